"""Demo questions to the elected officials: answered ones (with their answer and the time it
took), published ones awaiting an answer, and one in the moderators' queue.

Called by ``parvis.demo.loader.load_plan`` once the demo members, mandates and organisations
exist; the questions come from ``data/questions.yaml``. Dates count back from the day the demo
is loaded, so that the demo stays in season. Idempotent: a question is keyed on its title.
Rows are written directly (no services: the demo sends no e-mail).
"""

import datetime as dt
import random

from django.utils import timezone

from parvis.accounts.models import MandateRole, ProfileKind, VerificationStatus
from parvis.questions.models import Follow, Question, QuestionStatus, Support

from .consultations import _council
from .datafiles import read

DEMO_QUESTIONS = read("questions")["questions"]


def _mandates(plan, role):
    return sorted(
        (m for m in plan.mandates if m.role == role and m.status == VerificationStatus.VERIFIED),
        key=lambda m: (m.territory_id, m.email),
    )


def load_questions(*, plan, users, organisation_pks):
    """Create the demo questions that are missing; returns what was created."""
    residents = sorted(
        (p for p in plan.people if p.kind == ProfileKind.RESIDENT and not p.is_staff),
        key=lambda p: p.email,
    )
    if not residents:
        return {"questions": 0}
    by_commune = {}
    for person in residents:
        by_commune.setdefault(person.commune_id, []).append(person)
    mayors = [m for m in _mandates(plan, MandateRole.MAYOR) if m.territory_id in by_commune]
    councillors = _mandates(plan, MandateRole.DEPARTMENTAL_COUNCILLOR)
    council_pk, _manager, agents = _council(plan, organisation_pks)
    existing = set(Question.objects.values_list("title", flat=True))
    rng = random.Random("questions:" + "|".join(p.email for p in plan.people[:3]))
    now = timezone.now()
    created = supports = 0
    for index, entry in enumerate(DEMO_QUESTIONS):
        if entry["title"] in existing:
            continue
        official_pk = institution_pk = None
        if entry["to"] == "mayor" and mayors:
            mandate = mayors[index % len(mayors)]
            official_pk = users[mandate.email]
            author = by_commune[mandate.territory_id][index % len(by_commune[mandate.territory_id])]
        elif entry["to"] == "councillor" and councillors:
            official_pk = users[councillors[index % len(councillors)].email]
            author = residents[index * 7 % len(residents)]
        elif entry["to"] == "council" and council_pk is not None:
            institution_pk = council_pk
            author = residents[index * 11 % len(residents)]
        else:
            continue
        answerer = official_pk
        if institution_pk is not None:
            answerer = next((users[email] for email in sorted(agents)), None)
        pending = entry.get("pending", False)
        published = now - dt.timedelta(days=entry.get("published_days_ago", 1), hours=index)
        answered = (
            published + dt.timedelta(days=entry["answered_after"], hours=3)
            if "answered_after" in entry
            else None
        )
        status = (
            QuestionStatus.PENDING
            if pending
            else QuestionStatus.ANSWERED
            if answered
            else QuestionStatus.PUBLISHED
        )
        question = Question.objects.create(
            author_id=users[author.email],
            commune_id=author.commune_id,
            official_id=official_pk,
            institution_id=institution_pk,
            theme=entry["theme"],
            title=entry["title"],
            body=entry["body"],
            status=status,
            created_at=published - dt.timedelta(hours=20),
            published_at=None if pending else published,
            moderated_at=None if pending else published,
            answer=entry.get("answer", "") if answered else "",
            answered_by_id=answerer if answered else None,
            answered_at=answered,
            answer_updated_at=answered,
        )
        Follow.objects.create(question=question, member_id=users[author.email])
        backers = [
            users[p.email]
            for p in rng.sample(residents, min(entry.get("supports", 0), len(residents)))
            if p.email != author.email
        ]
        Support.objects.bulk_create(
            [Support(question=question, member_id=pk, created_at=published) for pk in backers]
        )
        Follow.objects.bulk_create(
            [Follow(question=question, member_id=pk) for pk in backers], ignore_conflicts=True
        )
        Question.objects.filter(pk=question.pk).update(support_count=len(backers))
        created += 1
        supports += len(backers)
    return {"questions": created, "question supports": supports}
