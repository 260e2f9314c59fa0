"""Reporting: the link, the form, one report per member and item, the rate limit, and the
reports' threshold that hides an item until a moderator reviews it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from parvis.agenda.models import EventStatus
from parvis.moderation.models import AuditEntry, CaseStatus, ModerationCase, Report
from parvis.moderation.selectors import is_hidden

from ..agenda.conftest import create_event
from .conftest import notifications_of


def report_url(item, key="agenda.event"):
    return reverse("moderation:report", kwargs={"key": key, "pk": item.pk})


def test_event_page_has_a_report_link_for_other_members_and_visitors(
    visitor, login, event, other_resident
):
    assert report_url(event) in visitor.get(event.get_absolute_url()).content.decode()
    page = login(other_resident).get(event.get_absolute_url()).content.decode()
    assert report_url(event) in page


def test_author_sees_no_report_link_on_their_own_event(login, event, resident):
    page = login(resident).get(event.get_absolute_url()).content.decode()
    assert report_url(event) not in page


def test_profile_and_organisation_pages_have_a_report_link(
    login, resident, other_resident, association, association_manager
):
    client = login(other_resident)
    resident.directory_visibility = "members"
    resident.save(update_fields=["directory_visibility"])
    page = client.get(resident.get_absolute_url()).content.decode()
    assert report_url(resident, "accounts.user") in page
    page = client.get(association.get_absolute_url()).content.decode()
    assert report_url(association, "organisations.organisation") in page


def test_visitor_is_asked_to_log_in_to_report(visitor, event):
    response = visitor.get(report_url(event))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert Report.objects.count() == 0


def test_member_reports_an_event_and_is_thanked(login, event, other_resident):
    client = login(other_resident)
    page = client.get(report_url(event))
    assert page.status_code == 200
    assert "Report this event" in page.content.decode()
    response = client.post(
        report_url(event), {"reason": "spam", "details": "Links to a shop."}, follow=True
    )
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert "your report was sent to the moderators" in response.content.decode()
    report = Report.objects.get()
    assert report.reporter == other_resident
    assert report.reason == "spam"
    assert report.case.object_repr == "Fête des voisins"
    assert report.case.author == event.created_by
    assert report.case.status == CaseStatus.OPEN


def test_one_report_per_member_and_item(login, event, other_resident, report):
    report(other_resident, event)
    client = login(other_resident)
    page = client.get(report_url(event)).content.decode()
    assert "You have already reported this content" in page
    response = client.post(report_url(event), {"reason": "other", "details": "Again"})
    assert "You have already reported this content" in response.content.decode()
    with pytest.raises(ValidationError, match="already reported"):
        report(other_resident, event, reason="harassment")
    assert Report.objects.count() == 1


def test_database_refuses_a_second_report_by_the_same_member(event, other_resident, report):
    first = report(other_resident, event)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(case=first.case, reporter=other_resident, reason="spam")


def test_member_cannot_report_their_own_content(login, event, resident):
    page = login(resident).get(report_url(event)).content.decode()
    assert "You cannot report your own content" in page
    response = login(resident).post(report_url(event), {"reason": "spam"})
    assert "You cannot report your own content" in response.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Choose the reason of your report."),
        ({"reason": "nonsense"}, "Select a valid choice"),
        ({"reason": "other", "details": "  "}, "you chose “other”"),
        ({"reason": "spam", "details": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_report_input_gives_a_message_and_changes_nothing(
    login, event, other_resident, data, message
):
    response = login(other_resident).post(report_url(event), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Report.objects.count() == 0
    assert ModerationCase.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/signaler/agenda.event/999999/",
        "/moderation/signaler/nothing.here/1/",
        "/moderation/signaler/agenda.category/1/",
    ],
)
def test_unknown_or_unreportable_items_answer_404(login, other_resident, event, path):
    assert login(other_resident).get(path).status_code == 404


def test_an_event_the_member_may_not_see_cannot_be_reported(
    login, resident, other_resident, beauvais
):
    draft = create_event(created_by=resident, commune=beauvais, status=EventStatus.DRAFT)
    client = login(other_resident)
    assert client.get(report_url(draft)).status_code == 404
    assert client.post(report_url(draft), {"reason": "spam"}).status_code == 404
    assert Report.objects.count() == 0


def test_reports_are_rate_limited(settings, login, other_resident, resident, beauvais):
    settings.PARVIS_REPORTS_PER_HOUR = 2
    events = [create_event(created_by=resident, commune=beauvais, title=f"E{i}") for i in range(3)]
    client = login(other_resident)
    for item in events[:2]:
        client.post(report_url(item), {"reason": "spam"})
    response = client.post(report_url(events[2]), {"reason": "spam"})
    assert "You have sent many reports in the last hour" in response.content.decode()
    assert Report.objects.count() == 2


def test_refused_reports_do_not_count_against_the_rate_limit(
    settings, login, other_resident, resident, beauvais
):
    settings.PARVIS_REPORTS_PER_HOUR = 1
    item = create_event(created_by=resident, commune=beauvais)
    client = login(other_resident)
    client.post(report_url(item), {"reason": "other", "details": ""})  # invalid: not counted
    client.post(report_url(item), {"reason": "spam"})
    assert Report.objects.count() == 1


# --- the reports' threshold ---------------------------------------------------------------------


def test_item_reported_by_three_members_is_hidden_until_reviewed(
    event, members, report, resident, visitor
):
    first, second, third = members(3)
    report(first, event)
    report(second, event)
    assert not is_hidden(event)
    assert visitor.get(event.get_absolute_url()).status_code == 200
    assert "Fête des voisins" in visitor.get(event.get_absolute_url()).content.decode()

    report(third, event)

    case = ModerationCase.objects.get()
    assert case.is_hidden and case.hidden_automatically
    assert case.status == CaseStatus.OPEN
    page = visitor.get(event.get_absolute_url()).content.decode()
    assert "This content was hidden by moderation" in page
    assert "Fête des voisins" not in page
    entry = AuditEntry.objects.get(action="moderation.auto_hide")
    assert entry.actor is None and entry.target_id == str(event.pk)
    (notice,) = notifications_of(resident, "moderation.hidden_pending_review")
    assert notice.params["item"] == "Fête des voisins"


def test_threshold_is_a_setting(settings, event, members, report):
    settings.PARVIS_REPORTS_HIDE_THRESHOLD = 2
    first, second = members(2)
    report(first, event)
    report(second, event)
    assert is_hidden(event)


def test_after_a_dismissal_only_new_reports_count(
    settings, event, members, report, decide, moderator
):
    first, second, third, fourth = members(4)
    report(first, event)
    report(second, event)
    case = ModerationCase.objects.get()
    decide(case, moderator, "dismiss", ground="no_breach", facts="A neighbours' party.")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED

    report(third, event)  # re-opens the case, 1 report since the decision
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not case.is_hidden
    report(fourth, event)
    case.refresh_from_db()
    assert not case.is_hidden  # 2 since the decision, below 3
