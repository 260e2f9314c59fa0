"""Consultations, their questions, responses, answers and comments."""

import datetime as dt

from .base import BATCH, MAX_PARTICIPATION, copy_rows, reserve_ids, territory_names
from .groups import MESSAGE_BODIES


def _consultation_answers(rng, template, questions):
    """One member's answers: ``[(question pk, option pks, scale, text)]``."""
    answers = []
    for spec, (question, options) in zip(template.questions, questions, strict=True):
        if spec.kind == "single":
            answers.append((question, [rng.choices(options, weights=spec.weights)[0]], None, ""))
        elif spec.kind == "multiple":
            chosen = [
                pk
                for pk, weight in zip(options, spec.weights, strict=True)
                if rng.random() < weight / 100
            ] or [rng.choices(options, weights=spec.weights)[0]]
            answers.append((question, chosen, None, ""))
        elif spec.kind == "scale_1_5":
            answers.append((question, [], rng.choices(range(1, 6), weights=spec.weights)[0], ""))
        elif template.texts and rng.random() < 0.2:
            answers.append((question, [], None, rng.choice(template.texts)))
    return answers


def seed_consultations(ctx):
    """Consultations by the verified institutions (the departmental council's for the whole
    département or an intercommunality, the others' for their commune or intercommunality),
    with the demo's questions; most closed or open, a few to come or drafts. Members of the
    audience answer the closed and open ones, at most once each, with their commune at
    answer time; ``response_count`` is kept. A few comments in each discussion."""
    from django.db import transaction
    from django.utils.html import escape
    from django.utils.text import slugify

    from parvis.comments.models import Comment
    from parvis.consultations.models import (
        Answer,
        Consultation,
        ConsultationStatus,
        Option,
        Question,
        Response,
    )
    from parvis.demo import consultations as consultation_demo

    total = ctx.count("consultations")
    rng = ctx.rng("consultations")
    institutions = [rank for rank in ctx.institutions if ctx.organisations[rank][3]]
    if not institutions:
        return
    by_commune, by_epci = ctx.member_pools()
    everyone = range(len(ctx.members))
    epci_names = territory_names("epci")
    templates = consultation_demo.DEMO_CONSULTATIONS
    end = ctx.end
    day = dt.timedelta(days=1)
    plans = []
    for rank in range(total):
        org_rank = 0 if rng.random() < 0.3 or rank == 0 else rng.choice(institutions)
        org_pk, commune, manager, _verified = ctx.organisations[org_rank]
        if org_rank == 0:
            commune = ctx.pick_communes(rng, 1)[0]
        commune_pk, commune_name, epci, _arrondissement = ctx.communes[commune]
        draw = rng.random()
        if org_rank == 0 and (draw < 0.5 or rank == 0):
            audience, pool, place = None, everyone, ""
        elif epci and draw < 0.75:
            audience, pool, place = epci, by_epci.get(epci, []), epci_names[epci]
        else:
            audience, pool, place = commune_pk, by_commune.get(commune, []), commune_name
        template = rng.choice(templates)
        draw = rng.random() if rank else 0.7  # the first is open
        if draw < 0.55:  # closed
            opens = end - day * rng.randint(30, 700)
            closes = opens + day * rng.randint(14, 60)
        elif draw < 0.85:  # open
            opens = end - day * rng.randint(1, 25)
            closes = end + day * rng.randint(5, 60)
        else:  # to come, or a draft
            opens = end + day * rng.randint(3, 40)
            closes = opens + day * rng.randint(14, 60)
        status = ConsultationStatus.DRAFT if draw >= 0.93 else ConsultationStatus.PUBLISHED
        answering = status == ConsultationStatus.PUBLISHED and opens < end
        share = len(pool) * rng.uniform(0.05, 0.5) if answering else 0
        title = f"{template.title} ({place})" if place else template.title
        consultation = Consultation(
            title=title[:200],
            slug=slugify(title)[:200] or "consultation",
            context=template.context,
            organisation_id=org_pk,
            created_by_id=manager,
            opens_at=opens,
            closes_at=closes,
            results_visibility=template.visibility,
            status=status,
            created_at=opens - day * 5,
            published_at=opens - day * 2 if status == ConsultationStatus.PUBLISHED else None,
            announced_at=opens if answering else None,  # opened: its audience was told
        )
        if template.conclusion and closes < end and rng.random() < 0.5:
            consultation.conclusion = template.conclusion
            consultation.conclusion_published_at = min(closes + day * 9, end)
        plans.append([consultation, template, audience, pool, share])
    wanted = ctx.count("responses")
    shares = sum(plan[4] for plan in plans) or 1
    for plan in plans:
        plan[4] = min(round(len(plan[3]) * MAX_PARTICIPATION), round(plan[4] * wanted / shares))
        plan[0].response_count = plan[4]
    progress = ctx.progress("responses", sum(plan[4] for plan in plans))
    with transaction.atomic():
        Consultation.objects.bulk_create([plan[0] for plan in plans])
        through = Consultation.audience.through
        through.objects.bulk_create(
            through(consultation_id=plan[0].pk, territory_id=plan[2])
            for plan in plans
            if plan[2] is not None
        )
    ctx.wrote("consultations", len(plans))
    for consultation, template, _audience, pool, count in plans:
        with transaction.atomic():
            questions = []
            for order, spec in enumerate(template.questions, start=1):
                question = Question.objects.create(
                    consultation=consultation,
                    order=order,
                    kind=spec.kind,
                    text=spec.text,
                    required=spec.required,
                )
                options = Option.objects.bulk_create(
                    Option(question=question, label=label, order=position)
                    for position, label in enumerate(spec.options, start=1)
                )
                questions.append((question.pk, [option.pk for option in options]))
            respondents = rng.sample(pool, count) if count else []
            last = min(consultation.closes_at, end)
            span = max((last - consultation.opens_at).total_seconds(), 60)
            for start in range(0, len(respondents), BATCH):
                batch = respondents[start : start + BATCH]
                responses, planned = [], []
                for pk, member in zip(reserve_ids(Response, len(batch)), batch, strict=True):
                    answered = consultation.opens_at + dt.timedelta(seconds=rng.uniform(0, span))
                    commune = ctx.communes[ctx.member_communes[member]][0]
                    responses.append(
                        (pk, consultation.pk, ctx.members[member], commune, answered, answered)
                    )
                    planned.append(_consultation_answers(rng, template, questions))
                answers, choices = [], []
                for (response, *_rest), member_answers in zip(responses, planned, strict=True):
                    for question, option_pks, scale, text in member_answers:
                        answers.append((response, question, scale, text))
                        choices.append(option_pks)
                answer_pks = reserve_ids(Answer, len(answers))
                copy_rows(
                    Response,
                    ["id", "consultation", "member", "commune", "created_at", "updated_at"],
                    responses,
                )
                copy_rows(
                    Answer,
                    ["id", "response", "question", "scale", "text"],
                    ((pk, *answer) for pk, answer in zip(answer_pks, answers, strict=True)),
                )
                chosen = copy_rows(
                    Answer.options.through,
                    ["answer", "option"],
                    (
                        (pk, option)
                        for pk, option_pks in zip(answer_pks, choices, strict=True)
                        for option in option_pks
                    ),
                )
                ctx.wrote("consultation responses", len(responses))
                ctx.wrote("consultation answers", len(answers))
                ctx.wrote("answer choices", chosen)
                progress.advance(len(responses))
            comments = [
                Comment(
                    target=f"consultations.consultation:{consultation.pk}",
                    author_id=ctx.members[member],
                    body=(body := rng.choice(template.comments or MESSAGE_BODIES)),
                    body_html=f"<p>{escape(body)}</p>",
                    created_at=consultation.opens_at + dt.timedelta(seconds=rng.uniform(0, span)),
                )
                for member in respondents[: rng.randint(0, 6)]
            ]
            Comment.objects.bulk_create(comments)
            ctx.wrote("consultation comments", len(comments))
    progress.finish()
