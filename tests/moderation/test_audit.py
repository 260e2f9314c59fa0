"""The audit log: every staff action recorded with who, what, when and why; nobody can change or
delete an entry, superusers included."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from parvis.accounts.models import VerificationStatus
from parvis.accounts.services import mandate_reject, mandate_verify
from parvis.agenda.models import EventStatus
from parvis.agenda.services import event_cancel, event_publish, event_reject
from parvis.moderation.audit import audit_record
from parvis.moderation.models import AuditEntry, AuditLogIsImmutable
from parvis.organisations.services import (
    membership_change_role,
    membership_remove,
    organisation_reject,
    organisation_verify,
)

from ..agenda.conftest import create_event
from ..factories import MandateFactory, MembershipFactory, OrganisationFactory, UserFactory

AUDIT = "/admin/moderation/auditentry/"


@pytest.fixture
def entry(moderator, event):
    return audit_record(actor=moderator, action="tests.action", target=event, reason="Because")


@pytest.fixture
def superuser(oise):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


# --- immutability -------------------------------------------------------------------------------


def test_an_entry_records_who_what_on_what_and_why(entry, moderator, event):
    assert entry.actor == moderator
    assert entry.actor_repr == "Nadia Benali <moderation@example.org>"
    assert entry.action == "tests.action"
    assert entry.target_content_type.model_class() is type(event)
    assert entry.target_id == str(event.pk) and entry.target_repr == "Fête des voisins"
    assert entry.reason == "Because" and entry.created_at is not None


def test_an_entry_cannot_be_changed(entry):
    entry.reason = "Rewritten"
    with pytest.raises(AuditLogIsImmutable):
        entry.save()
    with pytest.raises(AuditLogIsImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="Rewritten")
    entry.refresh_from_db()
    assert entry.reason == "Because"


def test_an_entry_cannot_be_overwritten_through_a_new_instance(entry):
    forged = AuditEntry(pk=entry.pk, action="forged")
    with pytest.raises(Exception):  # noqa: B017 - an INSERT of an existing key: IntegrityError
        from django.db import transaction

        with transaction.atomic():
            forged.save()
    entry.refresh_from_db()
    assert entry.action == "tests.action"


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AuditLogIsImmutable):
        entry.delete()
    with pytest.raises(AuditLogIsImmutable):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_the_actor_keeps_the_entry_and_its_name(entry, oise):
    actor = UserFactory(email="temp@example.org", first_name="Temp", last_name="Staff")
    kept = audit_record(actor=actor, action="tests.other")
    actor.delete()
    kept.refresh_from_db()
    assert kept.actor is None and kept.actor_repr == "Temp Staff <temp@example.org>"


def test_the_admin_is_read_only_even_for_superusers(login, superuser, entry):
    client = login(superuser)
    assert client.get(AUDIT).status_code == 200
    change = reverse("admin:moderation_auditentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert "Because" in page.content.decode()
    assert 'name="reason"' not in page.content.decode()  # shown, not editable
    assert client.post(change, {"reason": "Rewritten"}).status_code == 403
    assert client.get(reverse("admin:moderation_auditentry_add")).status_code == 403
    delete = reverse("admin:moderation_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        AUDIT, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.reason == "Because"


def test_admin_permissions_say_no_for_everyone(rf, superuser):
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEntry]
    request = rf.get("/")
    request.user = superuser
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_moderators_read_the_log_and_members_cannot(login, moderator, resident, entry):
    assert login(moderator).get(AUDIT).status_code == 200
    response = login(resident).get(AUDIT)
    assert response.status_code == 302  # to the admin login


def test_the_log_list_query_count_is_fixed(login, moderator, event, django_assert_max_num_queries):
    for number in range(30):
        audit_record(actor=moderator, action=f"tests.{number}", target=event)
    client = login(moderator)
    client.get(AUDIT)
    with django_assert_max_num_queries(14):
        assert client.get(AUDIT).status_code == 200


# --- what is recorded ---------------------------------------------------------------------------


def test_mandate_verification_is_recorded(moderator, resident, beauvais):
    mandate = MandateFactory(user=resident, territory=beauvais, status=VerificationStatus.PENDING)
    mandate_verify(mandate=mandate, moderator=moderator)
    mandate_reject(mandate=mandate, moderator=moderator, reason="Not in the national register.")
    verify, reject = AuditEntry.objects.order_by("pk")
    assert (verify.action, verify.actor) == ("accounts.mandate_verify", moderator)
    assert "Camille Martin" in verify.target_repr
    assert reject.action == "accounts.mandate_reject"
    assert reject.reason == "Not in the national register."


def test_organisation_verification_is_recorded(moderator, oise):
    organisation = OrganisationFactory(commune=oise["beauvais"], status=VerificationStatus.PENDING)
    organisation_verify(organisation=organisation, moderator=moderator)
    organisation_reject(organisation=organisation, moderator=moderator, reason="Dissolved.")
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "reason")) == [
        ("organisations.verify", ""),
        ("organisations.reject", "Dissolved."),
    ]


def test_event_review_and_cancellation_by_a_moderator_are_recorded(moderator, resident, beauvais):
    first = create_event(created_by=resident, commune=beauvais, status=EventStatus.SUBMITTED)
    second = create_event(created_by=resident, commune=beauvais, status=EventStatus.SUBMITTED)
    event_publish(event=first, moderator=moderator)
    event_reject(event=second, moderator=moderator, reason="No date given.")
    event_cancel(event=first, actor=moderator, reason="The venue is closed.")
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "target_id")) == [
        ("agenda.event_publish", str(first.pk)),
        ("agenda.event_reject", str(second.pk)),
        ("agenda.event_cancel", str(first.pk)),
    ]


def test_an_organiser_cancelling_their_own_event_is_not_a_staff_action(event, resident):
    event_cancel(event=event, actor=resident, reason="Rain.")
    assert not AuditEntry.objects.exists()


def test_organisation_role_changes_are_recorded(association, association_manager, oise):
    editor = UserFactory(commune=oise["beauvais"])
    membership = MembershipFactory(organisation=association, user=editor, role="editor")
    membership_change_role(membership=membership, actor=association_manager, role="manager")
    membership_remove(membership=membership, actor=association_manager)
    change, removal = AuditEntry.objects.order_by("pk")
    assert change.action == "organisations.role_change"
    assert change.data == {"member": editor.pk, "from": "editor", "to": "manager"}
    assert removal.action == "organisations.member_remove"
    assert removal.actor == association_manager


def test_staff_rights_given_in_the_admin_are_recorded(login, superuser, resident):
    group = Group.objects.get(name="Modérateurs")
    url = reverse("admin:accounts_user_change", args=[resident.pk])
    client = login(superuser)
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("password", "groups", "user_permissions", "photo")
    }
    data.update(
        {
            "is_staff": "on",
            "is_active": "on",
            "groups": [group.pk],
            "commune": resident.commune_id,
            "links": "[]",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": resident.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": resident.date_joined.strftime("%H:%M:%S"),
            "terms_accepted_at_0": "",
            "terms_accepted_at_1": "",
            "mandates-TOTAL_FORMS": "0",
            "mandates-INITIAL_FORMS": "0",
        }
    )
    for name in ("is_superuser",):
        data.pop(name, None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.actor == superuser and entry.target_id == str(resident.pk)
    assert entry.data["rights"]["is_staff"] is True
    assert entry.data["rights"]["groups"] == ["Modérateurs"]


def test_admin_actions_are_recorded_once_by_their_service(login, moderator, resident, beauvais):
    mandate = MandateFactory(user=resident, territory=beauvais, status=VerificationStatus.PENDING)
    login(moderator).post(
        "/admin/accounts/mandate/",
        {"action": "verify_mandates", "_selected_action": [mandate.pk]},
    )
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["accounts.mandate_verify"]


def test_deleting_several_rows_in_the_admin_is_recorded_row_by_row(login, superuser):
    from parvis.agenda.models import Category

    first = Category.objects.create(name="Brocante", slug="brocante")
    second = Category.objects.create(name="Loto", slug="loto")
    response = login(superuser).post(
        "/admin/agenda/category/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Category.objects.filter(pk__in=[first.pk, second.pk]).exists()
    entries = AuditEntry.objects.filter(action="admin.delete").order_by("target_repr")
    assert [(e.target_repr, e.actor) for e in entries] == [
        ("Brocante", superuser),
        ("Loto", superuser),
    ]


def test_deleting_one_row_in_the_admin_is_recorded_once(login, superuser):
    from parvis.agenda.models import Category

    category = Category.objects.create(name="Brocante", slug="brocante")
    delete = reverse("admin:agenda_category_delete", args=[category.pk])
    assert login(superuser).post(delete, {"post": "yes"}).status_code == 302
    (entry,) = AuditEntry.objects.filter(action="admin.delete")
    assert entry.target_repr == "Brocante" and entry.target_id == str(category.pk)
