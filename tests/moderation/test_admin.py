"""The moderators' queue in the admin: reported items, their page and decision form, appeals."""

import pytest
from django.urls import reverse

from parvis.moderation import services
from parvis.moderation.models import (
    Appeal,
    AppealStatus,
    CaseStatus,
    Decision,
    ModerationCase,
)
from parvis.moderation.selectors import is_hidden

from ..agenda.conftest import create_event
from ..factories import UserFactory
from .conftest import notifications_of

QUEUE = "/admin/moderation/moderationcase/"
APPEALS = "/admin/moderation/appeal/"


def case_url(case):
    return reverse("admin:moderation_moderationcase_change", args=[case.pk])


@pytest.fixture
def case(event, other_resident, report):
    report(other_resident, event, reason="spam", details="Links to a shop.")
    return ModerationCase.objects.get()


def test_moderator_finds_the_queue_on_the_admin_index(login, moderator):
    page = login(moderator).get("/admin/").content.decode()
    for path in (QUEUE, APPEALS, "/admin/moderation/auditentry/"):
        assert path in page


def test_members_have_no_access_to_the_queue(login, resident, case):
    assert login(resident).get(QUEUE).status_code == 302
    assert login(resident).get(case_url(case)).status_code == 302


def test_queue_lists_open_cases_by_default(login, moderator, case, beauvais, resident, members,
                                           report, decide):  # fmt: skip
    other = create_event(created_by=resident, commune=beauvais, title="Loto")
    (member,) = members(1)
    report(member, other)
    decide(ModerationCase.objects.get(object_id=other.pk), moderator, "dismiss",
           ground="no_breach")  # fmt: skip
    client = login(moderator)
    page = client.get(QUEUE).content.decode()
    assert "Fête des voisins" in page and "Loto" not in page
    page = client.get(QUEUE, {"etat": "closed"}).content.decode()
    assert "Loto" in page and "Fête des voisins" not in page
    page = client.get(QUEUE, {"etat": "all", "type": "agenda.event"}).content.decode()
    assert "Loto" in page and "Fête des voisins" in page
    assert client.get(QUEUE, {"type": "nonsense"}).status_code == 200


@pytest.mark.parametrize("count", [3, 25])
def test_queue_query_count_does_not_grow_with_cases(
    settings, login, moderator, resident, beauvais, members, report, count,
    django_assert_max_num_queries,
):  # fmt: skip
    settings.PARVIS_REPORTS_PER_HOUR = 100
    reporters = members(2)
    for number in range(count):
        item = create_event(created_by=resident, commune=beauvais, title=f"Item {number}")
        for reporter in reporters:
            report(reporter, item)
    client = login(moderator)
    client.get(QUEUE)
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert f"Item {count - 1}" in response.content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_case_page_query_count_does_not_grow_with_reports_or_history(
    settings, login, moderator, event, resident, beauvais, members, report, decide, count,
    django_assert_max_num_queries,
):  # fmt: skip
    settings.PARVIS_REPORTS_PER_HOUR = 100
    reporters = members(count)
    for reporter in reporters:
        report(reporter, event, reason="harassment", details="Rude")
    for number in range(count):  # the author's earlier cases, decided
        earlier = create_event(created_by=resident, commune=beauvais, title=f"Earlier {number}")
        report(reporters[0], earlier)
        decide(ModerationCase.objects.get(object_id=earlier.pk), moderator, "warn")
    case = ModerationCase.objects.get(object_id=event.pk)
    client = login(moderator)
    client.get(case_url(case))
    with django_assert_max_num_queries(16):
        response = client.get(case_url(case))
    page = response.content.decode()
    assert "Fête des voisins" in page  # the item, as its public sees it
    assert "Un concert <strong>gratuit</strong>" in page  # its rendered description
    assert "Rude" in page  # the reports
    assert f"Earlier {count - 1}" in page  # the author's history
    assert "Record the decision" in page


def test_moderator_hides_an_item_with_a_reason_in_the_admin(
    login, moderator, case, event, resident, other_resident
):
    response = login(moderator).post(
        case_url(case),
        {"action": "hide", "ground": "spam", "facts": "Four links to a counterfeit shop."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == QUEUE
    assert "Decision recorded" in response.content.decode()
    assert is_hidden(event)
    decision = Decision.objects.get()
    assert decision.moderator == moderator and decision.facts == "Four links to a counterfeit shop."
    assert len(notifications_of(resident, "moderation.statement")) == 1
    assert len(notifications_of(other_resident, "moderation.report_outcome")) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "hide", "ground": "spam", "facts": ""}, "State the facts"),
        ({"action": "hide", "ground": "", "facts": "Facts"}, "Choose the ground"),
        ({"action": "suspend", "ground": "spam", "facts": "Facts"}, "length of the suspension"),
        ({"action": "", "ground": "spam", "facts": "Facts"}, "Choose a decision"),
        ({"action": "restore", "ground": "no_breach", "facts": "Facts"}, "not hidden"),
        ({"action": "hide", "ground": "spam", "facts": "Facts", "suspension_days": "x"}, "number"),
    ],
)
def test_incomplete_decisions_in_the_admin_change_nothing(
    login, moderator, case, event, resident, data, message
):
    response = login(moderator).post(case_url(case), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "nothing was changed" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not is_hidden(event)
    assert Decision.objects.count() == 0
    assert notifications_of(resident) == []


def test_moderator_does_not_decide_on_their_own_content(
    login, moderator, other_resident, beauvais, report
):
    own = create_event(created_by=moderator, commune=beauvais)
    report(other_resident, own)
    case = ModerationCase.objects.get()
    client = login(moderator)
    page = client.get(case_url(case)).content.decode()
    assert "another moderator must decide" in page and "Record the decision" not in page
    response = client.post(case_url(case), {"action": "dismiss", "facts": "Mine is fine."})
    assert "your own content" in response.content.decode()
    assert Decision.objects.count() == 0


def test_bulk_dismissal_with_a_reason(login, moderator, case, other_resident):
    client = login(moderator)
    data = {"action": "dismiss_cases", "_selected_action": [case.pk]}
    page = client.post(QUEUE, data).content.decode()
    assert "Dismiss reports" in page  # the page asking for the reason
    client.post(QUEUE, {**data, "apply": "1", "reason": ""})
    assert Decision.objects.count() == 0
    client.post(QUEUE, {**data, "apply": "1", "reason": "A real neighbours' party."})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert Decision.objects.get().facts == "A real neighbours' party."


def test_unknown_case_answers_404(login, moderator):
    client = login(moderator)
    assert client.get("/admin/moderation/moderationcase/999999/change/").status_code in (302, 404)
    assert client.get("/admin/moderation/moderationcase/abc/change/").status_code in (302, 404)


def test_nobody_adds_or_deletes_cases_in_the_admin(login, oise, case):
    root = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client = login(root)
    assert client.get("/admin/moderation/moderationcase/add/").status_code == 403
    delete = reverse("admin:moderation_moderationcase_delete", args=[case.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ModerationCase.objects.filter(pk=case.pk).exists()


# --- appeals ------------------------------------------------------------------------------------


@pytest.fixture
def appeal(case, moderator, resident, decide):
    decision = decide(case, moderator, "hide", ground="spam", facts="Links.")
    return services.appeal_create(decision=decision, appellant=resident, statement="My pages.")


def test_the_moderator_who_decided_sees_the_appeal_but_cannot_decide_it(login, moderator, appeal):
    client = login(moderator)
    listing = client.get(APPEALS).content.decode()
    assert "Fête des voisins" in listing and "Camille Martin" in listing
    url = reverse("admin:moderation_appeal_change", args=[appeal.pk])
    page = client.get(url).content.decode()
    assert "another moderator must decide the appeal" in page
    assert "Decide the appeal" not in page
    response = client.post(url, {"outcome": "reversed", "reason": "I changed my mind."})
    assert "another moderator must decide" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING


def test_another_moderator_decides_the_appeal_in_the_admin(
    login, second_moderator, appeal, event, resident
):
    url = reverse("admin:moderation_appeal_change", args=[appeal.pk])
    client = login(second_moderator)
    page = client.get(url).content.decode()
    assert "My pages." in page and "Fête des voisins" in page and "Decide the appeal" in page
    response = client.post(
        url, {"outcome": "reversed", "reason": "The association's own pages."}, follow=True
    )
    assert "Appeal decided" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED and appeal.decided_by == second_moderator
    assert not is_hidden(event)
    assert len(notifications_of(resident, "moderation.appeal_decided")) == 1


def test_appeal_decision_needs_reasons(login, second_moderator, appeal):
    url = reverse("admin:moderation_appeal_change", args=[appeal.pk])
    response = login(second_moderator).post(url, {"outcome": "reversed", "reason": ""})
    assert "nothing was changed" in response.content.decode()
    assert Appeal.objects.get().status == AppealStatus.PENDING


def test_appeal_pages_query_count_is_fixed(
    login, second_moderator, appeal, django_assert_max_num_queries
):
    client = login(second_moderator)
    client.get(APPEALS)
    with django_assert_max_num_queries(12):
        assert client.get(APPEALS).status_code == 200
    url = reverse("admin:moderation_appeal_change", args=[appeal.pk])
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_read_only_lists_render(login, moderator, appeal):
    client = login(moderator)
    for path in (
        "/admin/moderation/decision/",
        "/admin/moderation/sanction/",
        "/admin/moderation/report/",
    ):
        assert client.get(path).status_code == 200
    assert client.get("/admin/moderation/decision/add/").status_code == 403
