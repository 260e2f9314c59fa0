"""Every decision a moderator can take, with its statement of reasons and the reporters'
outcome; bad input changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parvis.agenda.models import Event
from parvis.moderation.models import (
    AuditEntry,
    CaseStatus,
    Decision,
    ModerationCase,
    Report,
    Sanction,
    SanctionKind,
)
from parvis.moderation.selectors import active_sanction, is_hidden

from ..agenda.conftest import create_event
from .conftest import notifications_of


@pytest.fixture
def case(event, other_resident, report):
    report(other_resident, event, reason="spam", details="A shop in disguise.")
    return ModerationCase.objects.get()


def test_dismiss_closes_the_case_and_tells_the_reporter_only(
    case, event, resident, other_resident, moderator, decide
):
    decision = decide(case, moderator, "dismiss", ground="no_breach", facts="A real party.")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and not case.is_hidden
    assert decision.ground == "no_breach"
    assert notifications_of(resident, "moderation.statement") == []
    (outcome,) = notifications_of(other_resident, "moderation.report_outcome")
    assert outcome.params["action"] == "dismiss" and not outcome.params["upheld"]
    assert Report.objects.get().outcome_sent_at is not None
    assert AuditEntry.objects.filter(action="moderation.dismiss", actor=moderator).exists()


def test_dismiss_without_a_ground_means_no_breach(case, moderator, decide):
    decision = decide(case, moderator, "dismiss", ground="", facts="Nothing wrong.")
    assert decision.ground == "no_breach"


def test_hide_sends_the_author_a_statement_of_reasons(
    case, event, resident, other_resident, moderator, decide, visitor, login
):
    decision = decide(case, moderator, "hide", ground="spam", facts="Four links to a shop.")
    assert is_hidden(event)
    (statement,) = notifications_of(resident, "moderation.statement")
    assert statement.params["action"] == "hide"
    assert statement.params["facts"] == "Four links to a shop."
    assert statement.params["ground"] == "spam"
    assert statement.url.startswith(decision.get_absolute_url() + "?jeton=")
    (outcome,) = notifications_of(other_resident, "moderation.report_outcome")
    assert outcome.params["upheld"]
    # The public sees a notice; the author and staff still see the event, marked hidden.
    assert (
        "This content was hidden by moderation"
        in visitor.get(event.get_absolute_url()).content.decode()
    )
    page = login(resident).get(event.get_absolute_url()).content.decode()
    assert "Fête des voisins" in page and "Only its author and the moderators" in page
    entry = AuditEntry.objects.get(action="moderation.hide")
    assert entry.actor == moderator and entry.reason == "Four links to a shop."
    assert entry.target_repr == "Fête des voisins" and entry.data["ground"] == "spam"


def test_restore_shows_the_item_again_and_tells_the_author(
    case, event, resident, moderator, second_moderator, decide, visitor
):
    decide(case, moderator, "hide")
    decide(case, second_moderator, "restore", ground="no_breach", facts="Links removed.")
    assert not is_hidden(event)
    assert "Fête des voisins" in visitor.get(event.get_absolute_url()).content.decode()
    statements = notifications_of(resident, "moderation.statement")
    assert [n.params["action"] for n in statements] == ["hide", "restore"]
    assert statements[1].params["restrictive"] is False


def test_restore_of_a_visible_item_is_refused(case, moderator, decide):
    with pytest.raises(ValidationError, match="not hidden"):
        decide(case, moderator, "restore", ground="no_breach")
    assert Decision.objects.count() == 0


def test_delete_removes_the_event(case, event, resident, moderator, decide):
    decide(case, moderator, "delete", ground="illegal", facts="Sale of counterfeit goods.")
    assert not Event.objects.filter(pk=event.pk).exists()
    case.refresh_from_db()
    assert case.is_deleted and case.status == CaseStatus.CLOSED
    (statement,) = notifications_of(resident, "moderation.statement")
    assert statement.params["action"] == "delete"
    assert AuditEntry.objects.get(action="moderation.delete").target_id == str(event.pk)


def test_deleting_a_profile_erases_what_the_member_wrote(
    resident, other_resident, moderator, report, decide
):
    resident.bio = "Insults"
    resident.website = "https://example.org"
    resident.save(update_fields=["bio", "website"])
    report(other_resident, resident, reason="harassment", details="Insults in the bio")
    decide(ModerationCase.objects.get(), moderator, "delete", ground="harassment")
    resident.refresh_from_db()
    assert (resident.bio, resident.website, resident.links) == ("", "", [])
    assert resident.is_active  # the account stays
    assert not ModerationCase.objects.get().is_deleted


def test_deleting_an_organisation_with_events_is_refused_with_a_message(
    association, association_manager, other_resident, beauvais, moderator, report, decide
):
    create_event(created_by=association_manager, commune=beauvais, organisation=association)
    report(other_resident, association, reason="false_information", details="Fake")
    case = ModerationCase.objects.get()
    with pytest.raises(ValidationError, match="other content still depends on it"):
        decide(case, moderator, "delete", ground="false_information")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and Decision.objects.count() == 0
    assert not AuditEntry.objects.filter(action="moderation.delete").exists()


def test_warn_keeps_the_content_unless_asked(case, event, resident, moderator, decide):
    decide(case, moderator, "warn", ground="terms", facts="Advertising is not allowed.")
    assert not is_hidden(event)
    (statement,) = notifications_of(resident, "moderation.statement")
    assert statement.params["action"] == "warn" and statement.params["hide_content"] is False
    assert active_sanction(resident) is None


def test_warn_and_hide(case, event, moderator, decide):
    decide(case, moderator, "warn", ground="terms", hide_content=True)
    assert is_hidden(event)


def test_suspend_for_n_days(case, event, resident, moderator, decide):
    decision = decide(case, moderator, "suspend", ground="spam", suspension_days=7)
    sanction = Sanction.objects.get()
    assert sanction.user == resident and sanction.kind == SanctionKind.SUSPENSION
    assert sanction.decision == decision
    assert (sanction.ends_at - sanction.starts_at).days == 7
    assert active_sanction(resident) == sanction
    assert not is_hidden(event)  # the content stays: the moderator did not hide it
    (statement,) = notifications_of(resident, "moderation.statement")
    assert statement.params["suspension_days"] == 7
    (outcome,) = notifications_of(case.reports.get().reporter, "moderation.report_outcome")
    assert outcome.params["action"] == "account_measure"  # not which sanction


def test_suspend_and_hide_the_content(case, event, moderator, decide):
    decide(case, moderator, "suspend", ground="spam", suspension_days=3, hide_content=True)
    assert is_hidden(event)


def test_ban(case, resident, moderator, decide):
    decide(case, moderator, "ban", ground="illegal", facts="Repeated scams.")
    sanction = Sanction.objects.get()
    assert sanction.kind == SanctionKind.BAN and sanction.ends_at is None
    assert active_sanction(resident) == sanction


@pytest.mark.parametrize(
    ("action", "extra", "message"),
    [
        ("hide", {"facts": "  "}, "State the facts"),
        ("hide", {"ground": "no_breach"}, "Choose the ground"),
        ("hide", {"ground": "made-up"}, "Choose the ground"),
        ("dismiss", {"ground": "spam"}, "no breach was found"),
        ("suspend", {}, "length of the suspension"),
        ("suspend", {"suspension_days": 0}, "length of the suspension"),
        ("suspend", {"suspension_days": 1000}, "length of the suspension"),
        ("suspend", {"suspension_days": "seven"}, "length of the suspension"),
        ("explode", {}, "Choose a decision"),
        ("hide", {"facts": "x" * 4001}, "too long"),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(
    case, event, resident, moderator, decide, action, extra, message
):
    arguments = {"ground": "spam", "facts": "Facts.", **extra}
    with pytest.raises(ValidationError, match=message):
        decide(case, moderator, action, **arguments)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not case.is_hidden
    assert Decision.objects.count() == 0 and Sanction.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="moderation.").exists()
    assert notifications_of(resident) == []


def test_members_cannot_decide(case, resident, other_resident, decide):
    with pytest.raises(PermissionDenied):
        decide(case, other_resident, "hide")
    assert Decision.objects.count() == 0


def test_a_moderator_cannot_decide_on_their_own_content(
    moderator, other_resident, beauvais, report, decide
):
    own = create_event(created_by=moderator, commune=beauvais)
    report(other_resident, own)
    with pytest.raises(PermissionDenied, match="your own content"):
        decide(ModerationCase.objects.get(), moderator, "dismiss", ground="no_breach")


def test_account_decisions_need_an_author(case, moderator, decide):
    ModerationCase.objects.filter(pk=case.pk).update(author=None)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="no author"):
        decide(case, moderator, "ban")


def test_hiding_an_item_deleted_meanwhile_is_refused(case, event, moderator, decide):
    Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValidationError, match="no longer exists"):
        decide(case, moderator, "hide")
    decide(case, moderator, "warn", ground="spam")  # the author can still be warned
    case.refresh_from_db()
    assert case.is_deleted


def test_reporters_are_told_once(event, members, moderator, second_moderator, report, decide):
    first, second = members(2)
    report(first, event)
    case = ModerationCase.objects.get()
    decide(case, moderator, "dismiss", ground="no_breach")
    report(second, event)
    decide(case, second_moderator, "hide")
    assert len(notifications_of(first, "moderation.report_outcome")) == 1
    assert len(notifications_of(second, "moderation.report_outcome")) == 1


def test_the_statement_of_reasons_is_e_mailed_with_its_link(case, resident, moderator, decide):
    from django.core import mail

    mail.outbox.clear()
    decision = decide(case, moderator, "suspend", ground="spam", suspension_days=3,
                      facts="Four links to a counterfeit shop.")  # fmt: skip
    (message,) = [m for m in mail.outbox if resident.email in m.to]
    assert "Fête des voisins" in message.subject
    body = message.body
    assert "Four links to a counterfeit shop." in body
    assert "Spam" in body or "spam" in body
    assert "3 days" in body
    assert f"/moderation/decisions/{decision.pk}/?jeton=" in body
    assert "appeal this decision once" in body
    assert "List-Unsubscribe" not in message.extra_headers  # a legal notice: no opt-out
