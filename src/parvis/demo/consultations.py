"""Demo consultations: one closed (with its results and the published "what we did with your
answers") and one open, both by the départemental council, answered by the demo members.

Called by ``parvis.demo.loader.load_plan`` once the demo members and organisations exist; the
consultations come from ``data/consultations.yaml``. Reproducible: the answers come from a
random generator seeded from the demo plan, and dates count from the day the demo was first
loaded (as the agenda's). Idempotent: a consultation is keyed on (institution, title); an
existing one is left exactly as it is, with its answers.

Rows are written directly, in bulk (no services: the answers are backdated, and a closed
consultation cannot take answers any more).
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from parvis.agenda.recurrence import local_zone
from parvis.comments.models import Comment
from parvis.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Option,
    Question,
    QuestionKind,
    Response,
)
from parvis.core.richtext import render_markdown
from parvis.organisations.models import OrganisationKind, OrganisationRole

from .datafiles import read
from .people import first_load


@dataclass(frozen=True)
class DemoQuestion:
    kind: str
    text: str
    options: tuple[str, ...] = ()
    weights: tuple[int, ...] = ()  # how often each option (or scale value 1..5) is chosen
    required: bool = True


@dataclass(frozen=True)
class DemoConsultation:
    title: str
    context: str
    opens_days: int  # from the demo's first load
    closes_days: int
    visibility: str
    participation: float  # share of the demo members who answer
    questions: tuple[DemoQuestion, ...]
    texts: tuple[str, ...] = ()
    conclusion: str = ""
    comments: tuple[str, ...] = field(default=())


def _consultation(entry):
    questions = tuple(
        DemoQuestion(
            **{
                **question,
                **{key: tuple(question[key]) for key in ("options", "weights") if key in question},
            }
        )
        for question in entry["questions"]
    )
    return DemoConsultation(
        **{
            **entry,
            "questions": questions,
            **{key: tuple(entry[key]) for key in ("texts", "comments") if key in entry},
        }
    )


DEMO_CONSULTATIONS = tuple(_consultation(entry) for entry in read("consultations")["consultations"])


def _council(plan, organisation_pks):
    """The départemental council of the plan (else its first institution) and its manager."""
    institutions = [o for o in plan.organisations if o.kind == OrganisationKind.INSTITUTION]
    council = next(
        (o for o in institutions if o.slug.startswith("conseil-departemental")),
        institutions[0] if institutions else None,
    )
    if council is None or council.slug not in organisation_pks:
        return None, None, set()
    agents = {m.email for m in plan.memberships if m.slug == council.slug}
    manager = next(
        (
            m.email
            for m in plan.memberships
            if m.slug == council.slug and m.role == OrganisationRole.MANAGER
        ),
        None,
    )
    return organisation_pks[council.slug], manager, agents


def _at(anchor, days, hour=9):
    day = anchor + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=local_zone())


def _answers(rng, demo, questions, options):
    """One member's answers: ``[(question, option_pks, scale, text)]``."""
    answers = []
    for spec, question in zip(demo.questions, questions, strict=True):
        if spec.kind == QuestionKind.SINGLE:
            pk = rng.choices(options[question.pk], weights=spec.weights)[0]
            answers.append((question, [pk], None, ""))
        elif spec.kind == QuestionKind.MULTIPLE:
            chosen = [
                pk
                for pk, weight in zip(options[question.pk], spec.weights, strict=True)
                if rng.random() < weight / 100
            ] or [rng.choices(options[question.pk], weights=spec.weights)[0]]
            answers.append((question, chosen, None, ""))
        elif spec.kind == QuestionKind.SCALE:
            answers.append((question, [], rng.choices(range(1, 6), weights=spec.weights)[0], ""))
        elif demo.texts and rng.random() < 0.2:
            answers.append((question, [], None, rng.choice(demo.texts)))
    return answers


def _create(demo, *, organisation_pk, manager_pk, anchor, respondents, rng, commenters):
    opens_at = _at(anchor, demo.opens_days)
    closes_at = _at(anchor, demo.closes_days, hour=23)
    consultation = Consultation.objects.create(
        title=demo.title,
        slug=slugify(demo.title)[:200],
        context=demo.context,
        organisation_id=organisation_pk,
        created_by_id=manager_pk,
        opens_at=opens_at,
        closes_at=closes_at,
        results_visibility=demo.visibility,
        status=ConsultationStatus.PUBLISHED,
        created_at=opens_at - dt.timedelta(days=3),
        published_at=opens_at - dt.timedelta(days=2),
        # Opened in the past: counts as announced (no burst of notifications on loading).
        announced_at=opens_at if opens_at <= timezone.now() else None,
    )
    questions, options = [], {}
    for order, spec in enumerate(demo.questions, start=1):
        question = Question.objects.create(
            consultation=consultation,
            order=order,
            kind=spec.kind,
            text=spec.text,
            required=spec.required,
        )
        rows = Option.objects.bulk_create(
            [
                Option(question=question, label=label, order=position)
                for position, label in enumerate(spec.options, start=1)
            ]
        )
        options[question.pk] = [row.pk for row in rows]
        questions.append(question)

    last = min(closes_at, timezone.now())
    span = max((last - opens_at).total_seconds(), 60)
    chosen = [(pk, commune) for pk, commune in respondents if rng.random() < demo.participation]
    responses, planned = [], []
    for member_pk, commune_pk in chosen:
        answered = opens_at + dt.timedelta(seconds=rng.uniform(0, span))
        responses.append(
            Response(
                consultation=consultation,
                member_id=member_pk,
                commune_id=commune_pk,
                created_at=answered,
                updated_at=answered,
            )
        )
        planned.append(_answers(rng, demo, questions, options))
    Response.objects.bulk_create(responses)
    answers, choices = [], []
    for response, member_answers in zip(responses, planned, strict=True):
        for question, option_pks, scale, text in member_answers:
            answers.append(Answer(response=response, question=question, scale=scale, text=text))
            choices.append(option_pks)
    Answer.objects.bulk_create(answers, batch_size=1000)
    through = Answer.options.through
    through.objects.bulk_create(
        [
            through(answer_id=answer.pk, option_id=pk)
            for answer, option_pks in zip(answers, choices, strict=True)
            for pk in option_pks
        ],
        batch_size=1000,
    )
    consultation.response_count = len(responses)
    fields = ["response_count"]
    if demo.conclusion:
        consultation.conclusion = demo.conclusion
        consultation.conclusion_published_at = closes_at + dt.timedelta(days=9)
        fields += ["conclusion", "conclusion_published_at"]
    Consultation.objects.filter(pk=consultation.pk).update(
        **{name: getattr(consultation, name) for name in fields}
    )
    # The members' comments, then the council's agent answering the first one (a reply).
    target = f"consultations.consultation:{consultation.pk}"
    first = None
    for index, body in enumerate(demo.comments):
        last = index == len(demo.comments) - 1
        comment = Comment.objects.create(
            target=target,
            parent=first if last and index else None,
            author_id=manager_pk if last else commenters[index],
            body=body,
            body_html=render_markdown(body),
            created_at=opens_at + dt.timedelta(days=1 + index, hours=index * 3),
        )
        first = first or comment
    return len(responses)


def load_consultations(*, plan, users, organisation_pks):
    """Create the demo consultations that are missing; returns what was created."""
    organisation_pk, manager, agents = _council(plan, organisation_pks)
    if organisation_pk is None or manager is None:
        return {"consultations": 0, "consultation answers": 0}
    existing = set(
        Consultation.objects.filter(organisation_id=organisation_pk).values_list("title", flat=True)
    )
    # Every demo member with a commune answers, but the council's own agents and the staff.
    respondents = sorted(
        (users[person.email], person.commune_id)
        for person in plan.people
        if person.email not in agents and not person.is_staff and person.commune_id
    )
    seed = "consultations:" + "|".join(person.email for person in plan.people[:3])
    anchor = timezone.localtime(first_load()).date()
    created = answers = 0
    for index, demo in enumerate(DEMO_CONSULTATIONS):
        if demo.title in existing:
            continue
        rng = random.Random(f"{seed}:{index}")
        commenters = [pk for pk, _commune in rng.sample(respondents, min(3, len(respondents)))]
        while len(commenters) < len(demo.comments):
            commenters.append(users[manager])
        answers += _create(
            demo,
            organisation_pk=organisation_pk,
            manager_pk=users[manager],
            anchor=anchor,
            respondents=respondents,
            rng=rng,
            commenters=commenters,
        )
        created += 1
    return {"consultations": created, "consultation answers": answers}


def consultation_totals():
    """Demo consultations and their answers, for the summary."""
    totals = Consultation.objects.aggregate(
        consultations=Count("pk", distinct=True), answers=Count("responses")
    )
    return {
        "consultations": totals["consultations"],
        "consultation answers": totals["answers"],
    }
