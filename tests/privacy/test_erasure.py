"""“Delete my account”: after re-authentication, the member's personal data are erased,
groups and organisations handed over or closed, contributions kept as by a former member or
deleted at their choice, and the old credentials no longer work."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.core import mail
from django.db import models
from django.db.models.functions import Cast

from parvis.accounts.models import ERASED_EMAIL_DOMAIN, ApiToken, Mandate, User
from parvis.agenda.models import Event, Rsvp
from parvis.comments.models import Comment
from parvis.consultations.models import Response
from parvis.groups.models import (
    GroupStatus,
    Membership,
    MembershipState,
    Message,
    MessageRevision,
    Role,
    Thread,
)
from parvis.moderation.models import AuditEntry, Report
from parvis.news.models import Follow, Post
from parvis.notifications.models import Notification, NotificationPreference
from parvis.organisations.models import OrganisationMembership, OrganisationRole
from parvis.privacy import registry, services
from parvis.privacy.models import DataExport

from ..factories import PASSWORD

DELETE = "/compte/donnees/supprimer-mon-compte/"


@pytest.fixture
def delete_account(login, django_capture_on_commit_callbacks):
    """``delete_account(member, contributions="keep")``: the member confirms on the page,
    is asked for their password again, gives it; returns the last response."""

    def _delete(member, contributions="keep", password=PASSWORD):
        client = login(member)
        response = client.post(DELETE, {"contributions": contributions, "confirm": "on"})
        assert response.status_code == 302
        assert response.url.startswith("/compte/reauthenticate/")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(response.url, {"password": password})

    return _delete


def personal_strings(member):
    return [
        member.email,
        f"{member.first_name} {member.last_name}",
        member.bio,
        member.website,
        *member.links,
    ]


def rows_containing(needle, *, exclude=(AuditEntry,)):
    """Every (model, field) of the database with a text value containing ``needle``."""
    found = []
    for model in apps.get_models():
        if model in exclude or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                queryset = model._base_manager.annotate(_text=Cast(field.name, models.TextField()))
                lookup = "_text__icontains"
            elif isinstance(field, models.CharField | models.TextField):
                queryset, lookup = model._base_manager.all(), f"{field.name}__icontains"
            else:
                continue
            if queryset.filter(**{lookup: needle}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def test_visitor_is_sent_to_log_in(visitor):
    response = visitor.get(DELETE)
    assert response.status_code == 302
    assert response.url.startswith("/compte/login/")


def test_page_warns_first_of_groups_and_organisations_handed_over_or_closed(login, camille, rich):
    html = login(camille).get(DELETE).content.decode()
    assert "The group “Jardins partagés” is handed over to Lucas Bernard." in html
    assert "The group “Club de lecture” has no other member: it will be closed" in html
    assert "The organisation “Les Amis du Beauvaisis” is handed over to Lucas Bernard" in html
    assert "The organisation “Atelier vélo” has no other member: it will be closed" in html
    assert "Voisins de Compiègne" not in html  # Hugo owns it: nothing changes
    for count in ("2 events", "1 post<", "2 discussions started", "4 messages in groups"):
        assert count in html, count  # plurals by ngettext, no "event(s)"


def test_confirming_needs_the_password_again(login, camille, rich, password):
    client = login(camille)
    response = client.post(DELETE, {"contributions": "keep", "confirm": "on"})
    assert response.status_code == 302
    assert response.url == f"/compte/reauthenticate/?next={DELETE.replace('/', '%2F')}"
    wrong = client.post(response.url, {"password": "not-my-password-at-all"})
    assert wrong.status_code == 200  # the form again, with its error
    camille.refresh_from_db()
    assert camille.is_active and not camille.is_erased


def test_unconfirmed_form_changes_nothing(login, camille, password):
    client = login(camille)
    response = client.post(DELETE, {"contributions": "keep"})
    assert response.status_code == 302  # re-authentication first
    response = client.post(response.url, {"password": password})
    assert response.status_code == 200
    assert "Tick this box to confirm." in response.content.decode()
    camille.refresh_from_db()
    assert camille.is_active and not camille.is_erased


def test_erasure_leaves_no_personal_field_behind(delete_account, camille, rich):
    before = personal_strings(camille)
    assert "accounts.User.email" in rows_containing(camille.email)  # the scan finds things
    assert "accounts.User.bio" in rows_containing(camille.bio)
    photo = camille.photo
    assert photo.storage.exists(photo.name)
    response = delete_account(camille)
    assert response.status_code == 302
    assert response.url == "/compte/donnees/compte-supprime/"

    camille.refresh_from_db()
    assert camille.is_erased
    assert camille.email == f"former-member-{camille.pk}@{ERASED_EMAIL_DOMAIN}"
    for field in User._meta.concrete_fields:
        value = getattr(camille, field.name)
        if field.name in ("email", "password"):
            continue
        if isinstance(field, models.CharField | models.TextField | models.FileField):
            if field.choices:
                continue
            assert not value, f"{field.name} still holds {value!r}"
    assert camille.links == []
    assert camille.commune is None
    assert camille.last_login is None
    assert not camille.is_active and not camille.has_usable_password()
    assert camille.get_full_name() == "Former member"
    assert not photo.storage.exists(photo.name)

    # Not one text of the database still holds her name, address, bio or links (the audit
    # log excepted: it is kept, immutable, for accountability).
    for needle in before:
        assert rows_containing(needle) == [], needle


def test_erasure_deletes_every_personal_row(delete_account, camille, hugo, rich):
    delete_account(camille)
    for model, lookup in [
        (EmailAddress, "user"),
        (Authenticator, "user"),
        (UserSession, "user"),
        (ApiToken, "user"),
        (Mandate, "user"),
        (OrganisationMembership, "user"),
        (Membership, "user"),
        (Follow, "user"),
        (Follow, "followed_user"),
        (Rsvp, "user"),
        (Notification, "recipient"),
        (NotificationPreference, "member"),
        (DataExport, "member"),
        (Report, "reporter"),
    ]:
        assert not model.objects.filter(**{lookup: camille}).exists(), model
    assert not camille.groups.exists()
    # Every relation declared "delete" or "set null" holds no row of hers any more.
    for rule in registry.erasures():
        if rule.action in (registry.DELETE, registry.SET_NULL):
            model = registry._model_of(rule.relation)
            field = rule.relation.rsplit(".", 1)[1]
            assert not model._base_manager.filter(**{field: camille}).exists(), rule.relation
    # Hugo's notification about her no longer names her.
    notification = Notification.objects.get(recipient=hugo)
    assert notification.actor is None
    assert notification.params["who"] == "Former member"
    # The place she had booked is freed.
    assert rich["hugo_event"].occurrences.get().rsvp_count == 0


def test_contributions_are_kept_as_by_a_former_member(delete_account, camille, rich, client):
    delete_account(camille)
    event = Event.objects.get(pk=rich["own_event"].pk)
    assert event.created_by_id == camille.pk
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Former member" in html
    assert "Camille" not in html
    reply = Message.objects.get(pk=rich["camille_reply"].pk)
    assert reply.author is None and reply.body == "Je les apporte dimanche."
    assert not MessageRevision.objects.filter(message=reply).exists()
    thread = rich["answered"]
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "A former member" in html
    assert "Je les apporte dimanche." in html
    assert Thread.objects.get(pk=thread.pk).author is None
    post = Post.objects.get(pk=rich["post"].pk)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Former member" in html and "Camille" not in html
    comment = Comment.objects.get(pk=rich["comment"].pk)
    assert comment.author is None and comment.body == "Plus de pistes cyclables !"
    response = Response.objects.get(pk=rich["response"].pk)
    assert response.member is None  # the results do not change
    # Her profile is gone.
    assert client.get(f"/membres/{camille.pk}/").status_code == 404


def test_contributions_are_deleted_at_the_members_choice(
    delete_account, camille, hugo, successor, rich
):
    image = rich["own_event"].image
    delete_account(camille, contributions="delete")
    assert not Event.objects.filter(pk=rich["own_event"].pk).exists()
    assert not image.storage.exists(image.name)
    # The event of the association (which goes on, with Lucas) stays; the closed
    # workshop's goes.
    assert Event.objects.filter(pk=rich["association_event"].pk).exists()
    assert not Event.objects.filter(pk=rich["workshop_event"].pk).exists()
    assert not Post.objects.filter(pk=rich["post"].pk).exists()
    # A discussion nobody answered is deleted; one others answered stays, her messages
    # replaced by "message deleted".
    assert not Thread.objects.filter(pk=rich["alone"].pk).exists()
    answered = Thread.objects.get(pk=rich["answered"].pk)
    assert answered.author is None
    first, lucas, mine = answered.messages.order_by("position")
    assert (first.body, first.deleted_at is not None, first.author) == ("", True, None)
    assert (lucas.body, lucas.author) == ("Moi !", successor)
    assert mine.body == "" and mine.deleted_at is not None
    in_hugo_group = Message.objects.get(pk=rich["in_hugo_group"].pk)
    assert in_hugo_group.body == "" and in_hugo_group.deleted_at is not None
    comment = Comment.objects.get(pk=rich["comment"].pk)
    assert comment.body == "" and comment.deleted_at is not None
    # Hugo, who was going to her event, is told it is cancelled.
    assert Notification.objects.filter(recipient=hugo, type_key="agenda.event_cancelled").exists()


def test_sole_owned_groups_are_handed_over_or_closed(delete_account, camille, successor, rich):
    delete_account(camille)
    public = rich["public_group"]
    public.refresh_from_db()
    owner = Membership.objects.get(group=public, state=MembershipState.ACTIVE, role=Role.OWNER)
    assert owner.user == successor
    assert public.member_count == 1
    lonely = rich["lonely_group"]
    lonely.refresh_from_db()
    assert lonely.status == GroupStatus.CLOSED
    assert "owner deleted their account" in lonely.status_reason
    hugo_group = rich["hugo_group"]
    hugo_group.refresh_from_db()
    assert hugo_group.status == GroupStatus.ACTIVE


def test_sole_managed_organisations_are_handed_over_or_closed(
    delete_account, camille, successor, association, rich
):
    contact = {"phone": "03 44 06 60 00", "email": "contact@example.org", "address": "1 rue"}
    for organisation in (association, rich["workshop"]):
        for field, value in contact.items():
            setattr(organisation, field, value)
        organisation.save(update_fields=list(contact))
    delete_account(camille)
    assert OrganisationMembership.objects.get(organisation=association, user=successor).role == (
        OrganisationRole.MANAGER
    )
    workshop = rich["workshop"]
    workshop.refresh_from_db()
    assert workshop.status == "rejected"
    assert "last manager deleted their account" in workshop.rejection_reason
    # A closed organisation's contact details (often its last manager's own) are erased; an
    # organisation handed over keeps them.
    assert (workshop.phone, workshop.email, workshop.address) == ("", "", "")
    association.refresh_from_db()
    assert association.phone == "03 44 06 60 00"
    assert Notification.objects.filter(
        recipient=successor, type_key="privacy.organisation_handed_over"
    ).exists()
    assert AuditEntry.objects.filter(action="gdpr.organisation_close").count() == 1
    assert AuditEntry.objects.filter(action="gdpr.organisation_handover").count() == 1


def test_old_credentials_no_longer_work(delete_account, camille, client, password):
    email = camille.email
    delete_account(camille)
    client.logout()
    response = client.post("/compte/login/", {"login": email, "password": password})
    assert response.status_code == 200  # the form again
    assert "_auth_user_id" not in client.session
    camille.refresh_from_db()
    response = client.post("/compte/login/", {"login": camille.email, "password": password})
    assert "_auth_user_id" not in client.session


def test_member_is_logged_out_everywhere(delete_account, camille, client):
    response = delete_account(camille)
    assert "_auth_user_id" not in client.session
    assert client.get("/compte/parametres/").status_code == 302
    page = client.get(response.url)
    assert "Your account has been deleted" in page.content.decode()


def test_erasure_is_recorded_and_confirmed_by_e_mail_to_the_old_address(
    delete_account, camille, rich
):
    email = camille.email
    delete_account(camille)
    entry = AuditEntry.objects.get(action="gdpr.erasure")
    assert entry.target_id == str(camille.pk)
    assert entry.data["contributions"] == "anonymised"
    assert entry.data["groups_closed"] == [rich["lonely_group"].pk]
    [message] = [m for m in mail.outbox if m.to == [email]]
    assert message.subject.endswith("Your account has been deleted")
    assert "Club de lecture" in message.body
    assert "Atelier vélo" in message.body


def test_erasing_twice_does_nothing_more(camille, rich, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.account_erase(member=camille, actor=camille)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.account_erase(member=camille, actor=camille) == {}
    assert AuditEntry.objects.filter(action="gdpr.erasure").count() == 1


def test_administrator_cannot_delete_their_own_account_here(login, oise, password):
    from ..factories import UserFactory

    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client = login(admin)
    html = client.get(DELETE).content.decode()
    assert "deleted by another administrator" in html
    response = client.post(DELETE, {"contributions": "keep", "confirm": "on"})
    response = client.post(response.url, {"password": password})
    admin.refresh_from_db()
    assert admin.is_active and not admin.is_erased
