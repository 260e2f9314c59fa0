"""The statement of reasons and the appeal: once, by the member concerned, decided by another
moderator."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parvis.moderation import services
from parvis.moderation.models import (
    Appeal,
    AppealStatus,
    AuditEntry,
    ModerationCase,
    Sanction,
)
from parvis.moderation.selectors import active_sanction, is_hidden
from tests.idempotency import assert_form_has_token, assert_retry_after_error

from .conftest import notifications_of


@pytest.fixture
def hidden(event, other_resident, moderator, report, decide):
    """The resident's event, hidden by ``moderator``: the decision."""
    report(other_resident, event)
    return decide(
        ModerationCase.objects.get(), moderator, "hide", ground="spam", facts="Shop links."
    )


def _statement_link(decision):
    return services.statement_path(decision)


@pytest.fixture
def appeal_of(django_capture_on_commit_callbacks):
    def make(decision, appellant, statement="The links are my association's pages."):
        return services.appeal_create(decision=decision, appellant=appellant, statement=statement)

    return make


@pytest.fixture
def decide_appeal(django_capture_on_commit_callbacks):
    def make(appeal, moderator, outcome="reversed", reason="The links are the association's."):
        with django_capture_on_commit_callbacks(execute=True):
            return services.appeal_decide(
                appeal=appeal, moderator=moderator, outcome=outcome, reason=reason
            )

    return make


# --- the statement of reasons -------------------------------------------------------------------


def test_statement_page_says_what_why_and_how_to_appeal(client, hidden):
    page = client.get(_statement_link(hidden)).content.decode()  # the e-mail's link, no login
    assert "Statement of reasons" in page
    assert "Hide the content" in page
    assert "Spam" in page
    assert "Shop links." in page
    assert "Appeal this decision" in page
    assert "out-of-court dispute settlement" in page


def test_statement_page_for_the_author_logged_in(login, hidden, resident):
    page = login(resident).get(hidden.get_absolute_url()).content.decode()
    assert "Shop links." in page and "Appeal this decision" in page


def test_statement_is_private(client, login, hidden, other_resident):
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(hidden.get_absolute_url() + "?jeton=forged").status_code == 404
    assert login(other_resident).get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/moderation/decisions/999999/").status_code == 404


def test_my_decisions_page_lists_the_statements(login, hidden, resident):
    page = login(resident).get(reverse("moderation:mine")).content.decode()
    assert "Fête des voisins" in page and hidden.get_absolute_url() in page


# --- appealing ----------------------------------------------------------------------------------


def test_author_appeals_from_the_emails_link_without_logging_in(client, hidden, resident):
    link = _statement_link(hidden)
    token = link.split("jeton=")[1]
    appeal_url = reverse("moderation:appeal", kwargs={"pk": hidden.pk}) + f"?jeton={token}"
    assert client.get(appeal_url).status_code == 200
    response = client.post(
        appeal_url, {"statement": "These are my association's pages.", "jeton": token}, follow=True
    )
    assert "Your appeal has been sent" in response.content.decode()
    appeal = Appeal.objects.get()
    assert appeal.appellant == resident and appeal.status == AppealStatus.PENDING
    assert "Awaiting a moderator" in response.content.decode()


def test_appeal_needs_a_text(login, hidden, resident):
    url = reverse("moderation:appeal", kwargs={"pk": hidden.pk})
    response = login(resident).post(url, {"statement": "  "})
    assert "Explain why the decision should be reversed" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_only_the_member_concerned_may_appeal(login, hidden, other_resident, moderator, appeal_of):
    url = reverse("moderation:appeal", kwargs={"pk": hidden.pk})
    assert login(other_resident).get(url).status_code == 404
    assert login(other_resident).post(url, {"statement": "Me too"}).status_code == 404
    with pytest.raises(PermissionDenied):
        appeal_of(hidden, other_resident)
    assert login(moderator).get(url).status_code == 404  # staff read, but do not appeal
    assert Appeal.objects.count() == 0


def test_appeal_is_possible_once(login, hidden, resident, appeal_of):
    appeal_of(hidden, resident)
    with pytest.raises(ValidationError, match="only once"):
        appeal_of(hidden, resident, statement="Again")
    response = login(resident).get(
        reverse("moderation:appeal", kwargs={"pk": hidden.pk}), follow=True
    )
    assert "can no longer be appealed" in response.content.decode()
    assert Appeal.objects.count() == 1


def test_appeal_period_is_a_setting(settings, hidden, resident, appeal_of):
    type(hidden).objects.filter(pk=hidden.pk).update(
        created_at=hidden.created_at - dt.timedelta(days=181)
    )
    hidden.refresh_from_db()
    with pytest.raises(ValidationError, match="is over"):
        appeal_of(hidden, resident)
    settings.PARVIS_APPEAL_DAYS = 365
    appeal_of(hidden, resident)


def test_a_dismissal_cannot_be_appealed(event, resident, other_resident, moderator, report,
                                        decide, appeal_of):  # fmt: skip
    report(other_resident, event)
    decision = decide(ModerationCase.objects.get(), moderator, "dismiss", ground="no_breach")
    with pytest.raises(ValidationError, match="cannot be appealed"):
        appeal_of(decision, resident)


# --- deciding an appeal -------------------------------------------------------------------------


def test_the_moderator_who_decided_cannot_decide_the_appeal(
    hidden, resident, moderator, appeal_of, decide_appeal
):
    appeal = appeal_of(hidden, resident)
    with pytest.raises(PermissionDenied, match="another moderator must decide"):
        decide_appeal(appeal, moderator)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING
    assert not AuditEntry.objects.filter(action__startswith="moderation.appeal").exists()


def test_another_moderator_reverses_the_decision(
    hidden, event, resident, second_moderator, appeal_of, decide_appeal, visitor
):
    appeal = appeal_of(hidden, resident)
    decide_appeal(appeal, second_moderator, "reversed", "An association's own pages.")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED and appeal.decided_by == second_moderator
    assert not is_hidden(event)
    assert "Fête des voisins" in visitor.get(event.get_absolute_url()).content.decode()
    (outcome,) = notifications_of(resident, "moderation.appeal_decided")
    assert outcome.params["outcome"] == "reversed"
    entry = AuditEntry.objects.get(action="moderation.appeal_reversed")
    assert entry.actor == second_moderator and entry.reason == "An association's own pages."


def test_another_moderator_upholds_the_decision(
    hidden, event, resident, second_moderator, appeal_of, decide_appeal
):
    appeal = appeal_of(hidden, resident)
    decide_appeal(appeal, second_moderator, "upheld", "The links sell counterfeits.")
    assert is_hidden(event)
    assert Appeal.objects.get().status == AppealStatus.UPHELD


def test_reversing_a_suspension_lifts_it(
    event, resident, other_resident, moderator, second_moderator, report, decide, appeal_of,
    decide_appeal,
):  # fmt: skip
    report(other_resident, event)
    decision = decide(
        ModerationCase.objects.get(), moderator, "suspend", ground="spam", suspension_days=30,
        hide_content=True,
    )  # fmt: skip
    assert active_sanction(resident) is not None
    decide_appeal(appeal_of(decision, resident), second_moderator)
    assert active_sanction(resident) is None
    assert Sanction.objects.get().lifted_at is not None
    assert not is_hidden(event)


def test_an_appeal_is_decided_once(hidden, resident, second_moderator, appeal_of, decide_appeal):
    appeal = appeal_of(hidden, resident)
    decide_appeal(appeal, second_moderator, "upheld")
    with pytest.raises(ValidationError, match="already been decided"):
        decide_appeal(appeal, second_moderator, "reversed")


@pytest.mark.parametrize(
    ("outcome", "reason", "message"),
    [("maybe", "Because.", "uphold or reverse"), ("reversed", " ", "Give the reasons")],
)
def test_bad_appeal_decisions_change_nothing(
    hidden, resident, second_moderator, appeal_of, decide_appeal, outcome, reason, message
):
    appeal = appeal_of(hidden, resident)
    with pytest.raises(ValidationError, match=message):
        decide_appeal(appeal, second_moderator, outcome, reason)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING


def test_members_cannot_decide_appeals(hidden, resident, other_resident, appeal_of, decide_appeal):
    with pytest.raises(PermissionDenied):
        decide_appeal(appeal_of(hidden, resident), other_resident)


def test_an_appeal_sent_twice_is_recorded_once(login, hidden, resident):
    url = reverse("moderation:appeal", kwargs={"pk": hidden.pk})
    client = login(resident)
    assert_form_has_token(client, url)
    assert_retry_after_error(
        client, url, {"statement": "  "}, {"statement": "My own pages."}, Appeal.objects.count
    )
    assert Appeal.objects.count() == 1
