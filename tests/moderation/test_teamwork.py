"""Teamwork on cases (assign, internal notes never shown to members), lifting a sanction
with a statement of reasons, the readable audit log, and the DSA transparency report."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.moderation import services
from parvis.moderation.models import (
    AppealStatus,
    AuditEntry,
    CaseNote,
    ModerationCase,
    Report,
    Sanction,
)
from parvis.moderation.transparency import Period, transparency_figures
from parvis.privacy.archive import member_data

from .conftest import notifications_of


@pytest.fixture
def case(event, other_resident, report):
    report(other_resident, event, reason="spam", details="Links to a shop.")
    return ModerationCase.objects.get()


def case_url(case):
    return reverse("admin:moderation_moderationcase_change", args=[case.pk])


def test_assign_a_case_to_another_moderator_and_to_myself(login, moderator, second_moderator, case):
    client = login(moderator)
    page = client.get(case_url(case)).content.decode()
    assert "Claire Vasseur" in page and "Assigned to nobody." in page
    assign = reverse("admin:moderation_moderationcase_assign", args=[case.pk])
    client.post(assign, {"assignee": second_moderator.pk})
    case.refresh_from_db()
    assert case.assigned_to == second_moderator
    client.post(assign, {"to_me": "1"})
    case.refresh_from_db()
    assert case.assigned_to == moderator
    entries = AuditEntry.objects.filter(action="moderation.case_assign")
    assert entries.count() == 2
    assert "?attribue=moi" in client.get("/admin/moderation/moderationcase/").content.decode()
    mine = client.get("/admin/moderation/moderationcase/?attribue=moi").content.decode()
    assert case.object_repr in mine


def test_a_case_cannot_be_assigned_to_a_member(login, moderator, resident, case):
    login(moderator).post(
        reverse("admin:moderation_moderationcase_assign", args=[case.pk]),
        {"assignee": resident.pk},
    )
    case.refresh_from_db()
    assert case.assigned_to is None


def test_internal_notes_are_shown_to_moderators_only(
    login, moderator, resident, case, decide, client
):
    moderator_client = login(moderator)
    note_url = reverse("admin:moderation_moderationcase_note", args=[case.pk])
    moderator_client.post(note_url, {"body": "Vu avec la mairie : boutique connue."})
    moderator_client.post(note_url, {"body": "   "})  # empty: nothing
    assert CaseNote.objects.get().body == "Vu avec la mairie : boutique connue."
    page = moderator_client.get(case_url(case)).content.decode()
    assert "Vu avec la mairie" in page
    assert AuditEntry.objects.filter(action="moderation.case_note").count() == 1
    # The author never sees it: not on the statement of reasons, not in their data, not in
    # the API.
    decision = decide(case, moderator, "hide")
    client.force_login(resident)
    statement = client.get(reverse("moderation:statement", args=[decision.pk])).content.decode()
    assert "Links to a counterfeit shop." in statement and "Vu avec la mairie" not in statement
    assert "Vu avec la mairie" not in json.dumps(member_data(resident), default=str)
    assert "Vu avec la mairie" not in client.get("/api/").content.decode()


def test_lift_a_sanction_with_reasons(
    login, moderator, second_moderator, resident, case, decide, django_capture_on_commit_callbacks
):
    decide(case, moderator, "suspend", suspension_days=30)
    sanction = Sanction.objects.get()
    client = login(second_moderator)
    page = client.get(case_url(case)).content.decode()
    lift_url = reverse("admin:moderation_sanction_lift", args=[sanction.pk])
    assert lift_url in page
    assert (
        lift_url
        in client.get(
            reverse("admin:moderation_sanction_change", args=[sanction.pk])
        ).content.decode()
    )
    client.post(lift_url, {"reason": ""})
    sanction.refresh_from_db()
    assert sanction.lifted_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(lift_url, {"reason": "Excuses présentées, message retiré."})
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None and sanction.lifted_by == second_moderator
    assert sanction.lift_reason == "Excuses présentées, message retiré."
    assert notifications_of(resident, "moderation.sanction_lifted")
    entry = AuditEntry.objects.get(action="moderation.sanction_lift")
    assert entry.reason == "Excuses présentées, message retiré."


def test_the_audit_log_is_readable(login, moderator, case, decide, settings):
    settings.LANGUAGE_CODE = "fr"
    decide(case, moderator, "hide")
    AuditEntry.objects.create(actor=None, action="gdpr.export", reason="Requested by the member")
    client = login(moderator)
    page = client.get("/admin/moderation/auditentry/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<td class="field-action_label">Contenu masqué</td>' in page
    assert ">moderation.hide<" not in page
    assert "Demandé par le membre" in page
    entry = AuditEntry.objects.get(action="moderation.hide")
    detail = client.get(reverse("admin:moderation_auditentry_change", args=[entry.pk]))
    details = detail.content.decode().split("field-details", 1)[1].split("</fieldset>", 1)[0]
    assert "fondement : spam" in details and "{" not in details and "[]" not in details
    assert "open the case" not in details and "ouvrir le dossier" in details


# --- the DSA transparency report ---------------------------------------------------------------


@pytest.fixture
def period_data(event, resident, other_resident, moderator, second_moderator, report, decide,
                members, django_capture_on_commit_callbacks):  # fmt: skip
    """3 reports (2 spam, 1 harassment); 1 hide + 1 suspension; 1 appeal reversed."""
    from ..agenda.conftest import create_event

    report(other_resident, event, reason="spam")
    reporter = members(1)[0]
    report(reporter, event, reason="harassment")
    other = create_event(created_by=other_resident, commune=event.commune, title="Vide-grenier")
    report(resident, other, reason="spam")
    case, other_case = ModerationCase.objects.order_by("pk")
    decision = decide(case, moderator, "hide", ground="harassment")
    decide(other_case, moderator, "suspend", suspension_days=7, ground="spam")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_create(decision=decision, appellant=resident, statement="Erreur.")
        services.appeal_decide(
            appeal=appeal,
            moderator=second_moderator,
            outcome=AppealStatus.REVERSED,
            reason="Contexte mal lu.",
        )


def test_the_transparency_figures_match_the_data(period_data):
    today = timezone.localdate()
    figures = transparency_figures(Period(start=today - dt.timedelta(days=1), end=today))
    assert figures["notices_total"] == 3
    by_category = {value: count for value, _label, count in figures["notices_by_category"]}
    assert by_category["spam"] == 2 and by_category["harassment"] == 1
    assert (
        figures["notices_handled"] == Report.objects.filter(outcome_sent_at__isnull=False).count()
    )
    by_action = {value: count for value, _label, count in figures["decisions_by_action"]}
    assert by_action["hide"] == 1 and by_action["suspend"] == 1 and figures["decisions_total"] == 2
    assert figures["appeals_received"] == 1
    outcomes = {value: count for value, _label, count in figures["appeals_by_outcome"]}
    assert outcomes == {"upheld": 0, "reversed": 1}
    suspensions = {value: count for value, _label, count in figures["sanctions_by_kind"]}
    assert suspensions["suspension"] == 1
    # A period before everything counts nothing.
    empty = transparency_figures(Period(start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31)))
    assert empty["notices_total"] == 0 and empty["median_handling_hours"] is None


def test_the_transparency_report_page_and_csv(login, moderator, period_data):
    today = timezone.localdate().isoformat()
    client = login(moderator)
    url = reverse("admin:moderation_transparency")
    page = client.get(url, {"start": today, "end": today}).content.decode()
    assert "Notices (art. 15.1.b, art. 16)" in page and "format=csv" in page
    response = client.get(url, {"start": today, "end": today, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    values = {(row[0], row[1]): row[2] for row in rows[1:]}
    assert values[("Notices (art. 15.1.b, art. 16)", "notices received")] == "3"
    assert values[("Complaints (art. 15.1.d, art. 20)", "decision reversed")] == "1"


def test_a_wrong_period_is_refused_with_a_message(login, moderator):
    page = login(moderator).get(
        reverse("admin:moderation_transparency"), {"start": "2026-05-01", "end": "2026-01-01"}
    )
    assert page.status_code == 200
    assert "must not be before its start" in page.content.decode()
    bad = login(moderator).get(reverse("admin:moderation_transparency"), {"start": "hier"})
    assert bad.status_code == 200 and "Enter a valid date" in bad.content.decode()


def test_members_cannot_read_the_transparency_report(login, resident):
    response = login(resident).get(reverse("admin:moderation_transparency"))
    assert response.status_code == 302
