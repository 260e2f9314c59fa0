"""Questions to the elected officials: residents' questions to the verified institutions and
to the officials with a verified mandate on their territory, most answered, with supports."""

import datetime as dt

from .base import BATCH, copy_rows, reserve_ids

THEMES = ("roads", "schools", "solidarity", "environment", "culture", "economy", "town")
TITLES = (
    "Quand la chaussée de notre rue sera-t-elle refaite ?",
    "Un second menu végétarien est-il prévu au collège ?",
    "Les permanences de proximité reviendront-elles ?",
    "Des composteurs partagés peuvent-ils être installés ?",
    "La médiathèque pourrait-elle ouvrir le dimanche ?",
    "Où en est le projet de maison de santé ?",
)
BODY = (
    "Plusieurs habitants se posent la question depuis des mois. Pouvez-vous nous dire ce qui "
    "est prévu, dans quels délais, et comment les habitants seront associés ?"
)
ANSWER = (
    "Merci pour votre question. Le sujet est à l'étude avec les services ; une réunion publique "
    "présentera le calendrier, et nous publierons ici les décisions prises."
)


def seed_questions(ctx):
    """``questions`` questions (80 % answered, 15 % awaiting an answer, 5 % awaiting
    moderation) by members of their commune's institutions and officials, each supported by a
    few members (``support_count`` kept)."""
    from django.db import transaction

    from parvis.accounts.models import Mandate, VerificationStatus
    from parvis.questions.models import Question, QuestionStatus, Support

    total = ctx.count("questions")
    rng = ctx.rng("questions")
    members = len(ctx.members)
    mandates = list(
        Mandate.objects.filter(status=VerificationStatus.VERIFIED).values_list(
            "user_id", "territory_id"
        )
    )
    institutions = [ctx.organisations[rank][0] for rank in ctx.institutions]
    if not members or not (institutions or mandates):
        return
    pk_of_commune = [commune[0] for commune in ctx.communes]
    ids = reserve_ids(Question, total)
    end = ctx.end
    progress = ctx.progress("questions", total)
    supports = []
    with transaction.atomic():
        rows = []
        for index, pk in enumerate(ids):
            author = rng.randrange(members)
            commune_pk = pk_of_commune[ctx.member_communes[author]]
            official = institution = None
            if mandates and rng.random() < 0.5:
                official = rng.choice(mandates)[0]
            else:
                institution = rng.choice(institutions)
            draw = rng.random()
            published = end - dt.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            if draw < 0.05:
                status, published_at, answered_at = QuestionStatus.PENDING, None, None
            elif draw < 0.2:
                status, published_at, answered_at = QuestionStatus.PUBLISHED, published, None
            else:
                answered_at = min(published + dt.timedelta(hours=rng.randint(2, 24 * 30)), end)
                status, published_at = QuestionStatus.ANSWERED, published
            backers = 0 if status == QuestionStatus.PENDING else int(rng.expovariate(1 / 5))
            for rank in {rng.randrange(members) for _ in range(backers)} - {author}:
                supports.append((pk, ctx.members[rank], published_at))
            rows.append(
                (
                    pk,
                    ctx.members[author],
                    commune_pk,
                    official,
                    institution,
                    rng.choice(THEMES),
                    TITLES[index % len(TITLES)],
                    BODY,
                    status,
                    "",
                    published - dt.timedelta(hours=20),
                    published_at,
                    ANSWER if answered_at else "",
                    answered_at,
                    answered_at,
                    0,
                )
            )
            if len(rows) == BATCH:
                _write(copy_rows, Question, rows)
                progress.advance(len(rows))
                rows = []
        if rows:
            _write(copy_rows, Question, rows)
            progress.advance(len(rows))
        copy_rows(Support, ("question", "member", "created_at"), iter(supports))
        counts = {}
        for question, _member, _at in supports:
            counts[question] = counts.get(question, 0) + 1
        for question, count in counts.items():
            Question.objects.filter(pk=question).update(support_count=count)
    progress.finish()
    ctx.wrote("questions", total)
    ctx.wrote("question supports", len(supports))


def _write(copy_rows, model, rows):
    copy_rows(
        model,
        (
            "id",
            "author",
            "commune",
            "official",
            "institution",
            "theme",
            "title",
            "body",
            "status",
            "refusal_reason",
            "created_at",
            "published_at",
            "answer",
            "answered_at",
            "answer_updated_at",
            "support_count",
        ),
        rows,
    )
