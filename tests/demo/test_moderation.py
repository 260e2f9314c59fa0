"""The demo's moderation work: reports waiting, an item hidden by the threshold, an appeal."""

from types import SimpleNamespace

from parvis.accounts.models import User
from parvis.demo.moderation import load_moderation
from parvis.moderation.models import Appeal, AppealStatus, CaseStatus, ModerationCase, Report

from ..factories import UserFactory


def _plan(beauvais):
    people = [
        SimpleNamespace(email=UserFactory(commune=beauvais).email, kind="resident")
        for _ in range(20)
    ]
    return SimpleNamespace(people=people)


def test_demo_queue_has_pending_reports_and_an_appeal_decidable_by_the_demo_moderator(
    beauvais, moderator, second_moderator
):
    plan = _plan(beauvais)
    users = dict(User.objects.values_list("email", "pk"))
    created = load_moderation(plan=plan, users=users, decided_by_email=second_moderator.email)
    assert created["moderation cases"] == 4 and created["appeals"] == 1
    assert ModerationCase.objects.filter(status=CaseStatus.OPEN).count() == 3
    assert ModerationCase.objects.filter(hidden_automatically=True).count() == 1
    appeal = Appeal.objects.get()
    assert appeal.status == AppealStatus.PENDING
    assert appeal.decision.moderator == second_moderator != moderator

    again = load_moderation(plan=plan, users=users, decided_by_email=second_moderator.email)
    assert again == {"moderation cases": 0, "reports": 0, "appeals": 0}
    assert Report.objects.count() == created["reports"]
