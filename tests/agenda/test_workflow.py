"""The events' workflow: propose, submit, publish or reject, edit, cancel — services and pages.

Publication rule: verified organisations, verified officials, moderators and members who
already have a published event publish at once; a resident's first event waits for review.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import VerificationStatus
from parvis.agenda.models import Category, Event, EventOccurrence, EventStatus, Rsvp
from parvis.agenda.services import (
    event_cancel,
    event_create,
    event_publish,
    event_reject,
    event_submit,
    event_update,
)
from parvis.core.richtext import render_markdown

from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from .conftest import PARIS


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    settings.LANGUAGE_CODE = "en"


def in_days(days, hour=18, minute=0):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def event_data(commune, **overrides):
    start = overrides.pop("start", in_days(12))
    return {
        "title": "Fête de la musique au parvis",
        "description": "Musique **live**.",
        "category": Category.objects.get(slug="culture"),
        "start": start,
        "end": overrides.pop("end", start + dt.timedelta(hours=3)),
        "all_day": False,
        "rrule": "",
        "exdates": [],
        "venue_name": "Parvis de la cathédrale",
        "address": "Rue Saint-Pierre",
        "commune": commune,
        "organisation": None,
        "image": None,
        "is_free": True,
        "price": "",
        "accessibility": ["wheelchair"],
        "accessibility_details": "",
        "external_url": "",
        "capacity": None,
        "audience": [],
        **overrides,
    }


def rsvp(event, user):
    occurrence = event.occurrences.order_by("start").first()
    Rsvp.objects.create(occurrence=occurrence, user=user)
    return occurrence


# --- publication rule -----------------------------------------------------------------------


def test_verified_association_event_publishes_at_once(association_manager, association, beauvais):
    event = event_create(
        author=association_manager, data=event_data(beauvais, organisation=association)
    )
    assert event.status == EventStatus.PUBLISHED
    assert event.published_at is not None
    assert event.occurrences.count() == 1


def test_verified_official_event_publishes_at_once(official, compiegne):
    event = event_create(author=official, data=event_data(compiegne))
    assert event.status == EventStatus.PUBLISHED


def test_resident_first_event_waits_for_review(resident, beauvais):
    event = event_create(author=resident, data=event_data(beauvais))
    assert event.status == EventStatus.SUBMITTED
    assert event.published_at is None


def test_resident_with_one_published_event_publishes_the_next_at_once(
    resident, beauvais, moderator
):
    first = event_create(author=resident, data=event_data(beauvais))
    event_publish(event=first, moderator=moderator)
    second = event_create(author=resident, data=event_data(beauvais, title="Deuxième"))
    assert second.status == EventStatus.PUBLISHED


def test_event_of_unverified_organisation_follows_the_member_rule(resident, beauvais):
    pending = OrganisationFactory(commune=beauvais, status=VerificationStatus.PENDING)
    MembershipFactory(organisation=pending, user=resident)
    event = event_create(author=resident, data=event_data(beauvais, organisation=pending))
    assert event.status == EventStatus.SUBMITTED


def test_draft_is_kept_until_submitted(association_manager, association, beauvais):
    event = event_create(
        author=association_manager,
        data=event_data(beauvais, organisation=association),
        draft=True,
    )
    assert event.status == EventStatus.DRAFT
    event_submit(event=event, actor=association_manager)
    assert Event.objects.get(pk=event.pk).status == EventStatus.PUBLISHED


def test_member_cannot_organise_for_an_organisation_they_do_not_run(
    resident, association, beauvais
):
    with pytest.raises(PermissionDenied):
        event_create(author=resident, data=event_data(beauvais, organisation=association))
    assert not Event.objects.exists()


def test_member_without_verified_email_cannot_propose(beauvais):
    member = UserFactory(commune=beauvais, verified_email=False)
    with pytest.raises(PermissionDenied):
        event_create(author=member, data=event_data(beauvais))


# --- validation in the service (also for API callers) ---------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start": in_days(-1)}, "start"),
        ({"end": in_days(11)}, "end"),
        ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_service_refuses_bad_data_and_writes_nothing(resident, beauvais, overrides, field):
    with pytest.raises(ValidationError) as caught:
        event_create(author=resident, data=event_data(beauvais, **overrides))
    assert field in caught.value.error_dict
    assert not Event.objects.exists()
    assert not EventOccurrence.objects.exists()


def test_service_refuses_an_inactive_category(resident, beauvais):
    category = Category.objects.create(name="Ancienne", slug="ancienne", is_active=False)
    with pytest.raises(ValidationError) as caught:
        event_create(author=resident, data=event_data(beauvais, category=category))
    assert "category" in caught.value.error_dict


def test_service_builds_a_structured_recurrence(official, compiegne):
    start = in_days(3)
    event = event_create(
        author=official,
        data=event_data(
            compiegne,
            start=start,
            rrule=None,
            recurrence={"freq": "WEEKLY", "count": 4},
            exdates=[(start + dt.timedelta(days=7)).date().isoformat()],
        ),
    )
    assert event.rrule.startswith("FREQ=WEEKLY")
    assert event.occurrences.count() == 3


def test_hostile_markdown_is_stored_as_written_and_rendered_safe(official, compiegne):
    hostile = (
        "<script>alert(1)</script>\n\n[clic](javascript:alert(2)) "
        '<img src=x onerror="alert(3)"> <iframe src="https://evil.example"></iframe>'
    )
    event = event_create(author=official, data=event_data(compiegne, description=hostile))
    assert Event.objects.get(pk=event.pk).description == hostile
    html = str(render_markdown(event.description))
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<iframe" not in html


# --- moderation -----------------------------------------------------------------------------


def test_moderator_publishes_and_the_organiser_is_told(
    resident, beauvais, moderator, django_capture_on_commit_callbacks
):
    event = event_create(author=resident, data=event_data(beauvais))
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(event=event, moderator=moderator)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert event.reviewed_by == moderator
    assert [m.to for m in mail.outbox] == [[resident.email]]


def test_moderator_rejects_with_a_reason_e_mailed_to_the_organiser(
    resident, beauvais, moderator, django_capture_on_commit_callbacks
):
    event = event_create(author=resident, data=event_data(beauvais))
    with django_capture_on_commit_callbacks(execute=True):
        event_reject(event=event, moderator=moderator, reason="Adresse introuvable.")
    event.refresh_from_db()
    assert event.status == EventStatus.REJECTED
    assert event.rejection_reason == "Adresse introuvable."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    assert "Adresse introuvable." in mail.outbox[0].body


def test_reject_without_reason_changes_nothing(resident, beauvais, moderator):
    event = event_create(author=resident, data=event_data(beauvais))
    with pytest.raises(ValidationError):
        event_reject(event=event, moderator=moderator, reason="  ")
    assert Event.objects.get(pk=event.pk).status == EventStatus.SUBMITTED


def test_non_moderator_cannot_publish(resident, other_resident, beauvais):
    event = event_create(author=resident, data=event_data(beauvais))
    with pytest.raises(PermissionDenied):
        event_publish(event=event, moderator=other_resident)


def test_rejected_event_can_be_corrected_and_submitted_again(resident, beauvais, moderator):
    event = event_create(author=resident, data=event_data(beauvais))
    event_reject(event=event, moderator=moderator, reason="Précisez l'adresse.")
    event = event_update(event=event, editor=resident, data={"address": "3 rue de la Paix"})
    event = event_submit(event=event, actor=resident)
    assert event.status == EventStatus.SUBMITTED
    assert event.rejection_reason == ""


# --- edits and cancellation notify the participants ----------------------------------------


def test_cancelling_e_mails_every_rsvped_member_and_keeps_the_event_visible(
    make_event, association_manager, resident, other_resident, django_capture_on_commit_callbacks
):
    event = make_event()
    rsvp(event, resident)
    rsvp(event, other_resident)
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, actor=association_manager, reason="Orage annoncé.")
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert event.cancellation_reason == "Orage annoncé."
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, other_resident.email])
    assert all("Orage annoncé." in m.body for m in mail.outbox)
    assert event.occurrences.count() == 1


def test_cancel_without_reason_changes_nothing(make_event, association_manager):
    event = make_event()
    with pytest.raises(ValidationError):
        event_cancel(event=event, actor=association_manager, reason="")
    assert Event.objects.get(pk=event.pk).status == EventStatus.PUBLISHED


def test_changing_the_date_of_a_published_event_e_mails_participants_and_keeps_rsvps(
    make_event, association_manager, resident, django_capture_on_commit_callbacks
):
    event = make_event()
    occurrence = rsvp(event, resident)
    new_start = in_days(20, hour=20)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(
            event=event,
            editor=association_manager,
            data={"start": new_start, "end": new_start + dt.timedelta(hours=2)},
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    occurrence.refresh_from_db()
    assert occurrence.start == new_start
    assert Rsvp.objects.filter(occurrence=occurrence, user=resident).exists()


def test_changing_the_place_e_mails_participants(
    make_event, association_manager, resident, compiegne, django_capture_on_commit_callbacks
):
    event = make_event()
    rsvp(event, resident)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, editor=association_manager, data={"commune": compiegne})
    assert len(mail.outbox) == 1
    assert "Compiègne" in mail.outbox[0].body


def test_changing_only_the_description_sends_no_e_mail(
    make_event, association_manager, resident, django_capture_on_commit_callbacks
):
    event = make_event()
    rsvp(event, resident)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, editor=association_manager, data={"description": "Nouveau."})
    assert mail.outbox == []


def test_recurrence_change_resyncs_the_occurrences(make_event, association_manager):
    event = make_event()
    event_update(event=event, editor=association_manager, data={"rrule": "FREQ=WEEKLY;COUNT=5"})
    assert event.occurrences.count() == 5


def test_stranger_cannot_update_or_cancel(make_event, other_resident):
    event = make_event()
    with pytest.raises(PermissionDenied):
        event_update(event=event, editor=other_resident, data={"title": "Piraté"})
    with pytest.raises(PermissionDenied):
        event_cancel(event=event, actor=other_resident, reason="Non.")
    assert Event.objects.get(pk=event.pk).title == "Concert de l'harmonie"


def test_co_organiser_and_moderator_may_edit(make_event, association, moderator, beauvais):
    editor = UserFactory(commune=beauvais)
    MembershipFactory(organisation=association, user=editor, role="editor")
    event = make_event(organisation=association)
    event_update(event=event, editor=editor, data={"title": "Par l'éditrice"})
    event_update(event=event, editor=moderator, data={"title": "Par la modération"})
    assert Event.objects.get(pk=event.pk).title == "Par la modération"


def test_cancelled_event_can_no_longer_be_edited(make_event, association_manager):
    event = make_event(status=EventStatus.CANCELLED)
    with pytest.raises(ValidationError):
        event_update(event=event, editor=association_manager, data={"title": "Nouveau"})


# --- pages: every persona against every permission -------------------------------------------


def urls_of(event):
    kwargs = {"pk": event.pk, "slug": event.slug}
    return {
        "edit": reverse("agenda:edit", kwargs=kwargs),
        "cancel": reverse("agenda:cancel", kwargs=kwargs),
    }


@pytest.mark.parametrize("page", ["edit", "cancel"])
def test_visitor_is_sent_to_log_in(visitor, make_event, page):
    url = urls_of(make_event())[page]
    response = visitor.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert "next=" in response["Location"]


def test_visitor_proposing_is_sent_to_log_in_and_back(visitor):
    response = visitor.get("/agenda/proposer/")
    assert response.status_code == 302
    assert "next=/agenda/proposer/" in response["Location"]


@pytest.mark.parametrize("page", ["edit", "cancel"])
def test_organiser_opens_the_pages(login, association_manager, make_event, page):
    response = login(association_manager).get(urls_of(make_event())[page])
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["edit", "cancel"])
def test_moderator_opens_the_pages_of_any_event(login, moderator, make_event, page):
    response = login(moderator).get(urls_of(make_event())[page])
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["edit", "cancel"])
def test_stranger_is_refused_a_public_event(login, other_resident, make_event, page):
    response = login(other_resident).get(urls_of(make_event())[page])
    assert response.status_code == 403


@pytest.mark.parametrize("page", ["edit", "cancel"])
def test_stranger_gets_404_for_an_event_they_cannot_see(login, other_resident, make_event, page):
    event = make_event(status=EventStatus.SUBMITTED)
    response = login(other_resident).get(urls_of(event)[page])
    assert response.status_code == 404


def test_unknown_event_is_404(login, association_manager):
    response = login(association_manager).get("/agenda/999999-nope/modifier/")
    assert response.status_code == 404


def test_draft_cannot_be_cancelled_only_published(login, association_manager, make_event):
    event = make_event(status=EventStatus.DRAFT)
    response = login(association_manager).get(urls_of(event)["cancel"])
    assert response.status_code == 403


def test_member_without_commune_sees_why_they_cannot_propose(login, oise):
    member = UserFactory(commune=None)
    response = login(member).get("/agenda/proposer/")
    assert response.status_code == 403
    assert "commune" in response.content.decode()


def test_resident_proposes_through_the_page_and_is_told_it_awaits_review(login, resident, beauvais):
    from .test_forms import form_data

    client = login(resident)
    response = client.post("/agenda/proposer/", form_data(), follow=True)
    event = Event.objects.get()
    assert event.status == EventStatus.SUBMITTED
    assert response.redirect_chain[0][0] == event.get_absolute_url()
    assert "awaiting review" in response.content.decode()


def test_manager_proposes_for_the_association_and_it_is_published(
    login, association_manager, association
):
    from .test_forms import form_data

    client = login(association_manager)
    response = client.post(
        "/agenda/proposer/", form_data(organisation=str(association.pk)), follow=True
    )
    event = Event.objects.get()
    assert event.organisation == association
    assert event.status == EventStatus.PUBLISHED
    assert "is published" in response.content.decode()


def test_save_as_draft_then_submit_from_my_events(login, resident, beauvais):
    from .test_forms import form_data

    client = login(resident)
    client.post("/agenda/proposer/", form_data(save_draft="1"))
    event = Event.objects.get()
    assert event.status == EventStatus.DRAFT
    page = client.get("/agenda/mes-evenements/").content.decode()
    assert event.title in page
    assert "draft" in page
    client.post(reverse("agenda:submit", kwargs={"pk": event.pk, "slug": event.slug}))
    assert Event.objects.get().status == EventStatus.SUBMITTED


def test_stranger_cannot_submit_someone_elses_draft(login, other_resident, make_event):
    event = make_event(status=EventStatus.DRAFT)
    response = login(other_resident).post(
        reverse("agenda:submit", kwargs={"pk": event.pk, "slug": event.slug})
    )
    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).status == EventStatus.DRAFT


def test_organiser_edits_through_the_page(login, association_manager, make_event):
    from .test_forms import form_data

    event = make_event()
    response = login(association_manager).post(
        urls_of(event)["edit"], form_data(title="Concert déplacé", save="1")
    )
    event.refresh_from_db()
    assert response.status_code == 302
    assert event.title == "Concert déplacé"
    assert event.status == EventStatus.PUBLISHED


def test_stranger_posting_the_edit_form_changes_nothing(login, other_resident, make_event):
    from .test_forms import form_data

    event = make_event()
    response = login(other_resident).post(urls_of(event)["edit"], form_data(title="Piraté"))
    assert response.status_code == 403
    assert Event.objects.get(pk=event.pk).title == "Concert de l'harmonie"


def test_organiser_cancels_through_the_confirmation_page(
    login, association_manager, resident, make_event, django_capture_on_commit_callbacks
):
    event = make_event()
    rsvp(event, resident)
    client = login(association_manager)
    page = client.get(urls_of(event)["cancel"]).content.decode()
    assert "1 member said they would go" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls_of(event)["cancel"], {"reason": "Salle indisponible."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [[resident.email]]


def test_cancel_page_without_reason_shows_an_error_and_changes_nothing(
    login, association_manager, make_event
):
    event = make_event()
    response = login(association_manager).post(urls_of(event)["cancel"], {"reason": ""})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    assert Event.objects.get(pk=event.pk).status == EventStatus.PUBLISHED


def test_my_events_lists_only_the_members_events(
    login, association_manager, other_resident, make_event
):
    mine = make_event(title="Le mien")
    make_event(title="Pas le mien", created_by=other_resident)
    page = login(association_manager).get("/agenda/mes-evenements/").content.decode()
    assert mine.title in page
    assert "Pas le mien" not in page


def test_my_events_query_count_does_not_grow(
    login, association_manager, make_event, django_assert_max_num_queries
):
    for number in range(15):
        make_event(title=f"Événement {number}")
    client = login(association_manager)
    with django_assert_max_num_queries(12):
        response = client.get("/agenda/mes-evenements/")
    assert response.status_code == 200


def test_cancelling_a_series_tells_only_members_going_to_dates_to_come(
    make_event, association_manager, resident, other_resident, django_capture_on_commit_callbacks
):
    event = make_event(
        start=timezone.now() - dt.timedelta(days=7, hours=1), rrule="FREQ=WEEKLY;COUNT=4"
    )
    past, upcoming = event.occurrences.order_by("start")[:2]
    Rsvp.objects.create(occurrence=past, user=other_resident)
    Rsvp.objects.create(occurrence=upcoming, user=resident)
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, actor=association_manager, reason="Fin de saison.")
    assert [m.to for m in mail.outbox] == [[resident.email]]


# --- the rules, persona by persona -----------------------------------------------------------

PERSONAS = ["visitor", "resident", "other_resident", "association_manager", "official", "moderator"]
EXPECTED = {
    # persona: (propose, edit, cancel, submit a draft)
    "visitor": (False, False, False, False),
    "resident": (True, False, False, False),
    "other_resident": (True, False, False, False),
    "association_manager": (True, True, True, True),
    "official": (True, False, False, False),
    "moderator": (True, True, True, True),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_against_every_agenda_permission(request, persona, make_event, association):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if persona == "visitor" else request.getfixturevalue(persona)
    published = make_event(organisation=association)
    draft = make_event(organisation=association, status=EventStatus.DRAFT)
    observed = (
        user.has_perm("agenda.propose_event"),
        user.has_perm("agenda.edit_event", published),
        user.has_perm("agenda.cancel_event", published),
        user.has_perm("agenda.submit_event", draft),
    )
    assert observed == EXPECTED[persona]


def test_editor_of_the_organisation_may_edit_and_cancel_its_events(make_event, association):
    editor = UserFactory(commune=association.commune)
    MembershipFactory(organisation=association, user=editor, role="editor")
    event = make_event(organisation=association)
    assert editor.has_perm("agenda.edit_event", event)
    assert editor.has_perm("agenda.cancel_event", event)


def test_nobody_edits_or_cancels_a_cancelled_event(make_event, association_manager, moderator):
    event = make_event(status=EventStatus.CANCELLED)
    for user in (association_manager, moderator):
        assert not user.has_perm("agenda.edit_event", event)
        assert not user.has_perm("agenda.cancel_event", event)
