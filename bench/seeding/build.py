"""The dataset as a whole: its steps in order, the reset of its tables and ``seed()``."""

import sys
import time

from .agenda import seed_events
from .base import BENCH_DOMAIN, DEFAULT_SEED, Context
from .consultations import seed_consultations
from .groups import seed_discussions, seed_groups
from .localreports import seed_local_reports
from .news import seed_follows, seed_posts
from .notifications import seed_notifications
from .organisations import seed_organisations
from .people import load_territory, seed_members
from .questions import seed_questions
from .volunteers import seed_volunteer_calls

#: The steps, in order (each may use what the previous ones wrote).
STEPS = [
    seed_members,
    seed_organisations,
    seed_events,
    seed_groups,
    seed_discussions,
    seed_posts,
    seed_follows,
    seed_consultations,
    seed_questions,
    seed_local_reports,
    seed_volunteer_calls,
    seed_notifications,
]


def _reset_models():
    """The tables the steps write (``TRUNCATE … CASCADE`` also empties the rows that refer to
    them: moderation reports...)."""
    from allauth.account.models import EmailAddress

    from parvis.accounts.models import User
    from parvis.agenda.models import Event, EventOccurrence, Rsvp
    from parvis.comments.models import Comment
    from parvis.consultations.models import Answer, Consultation, Option, Question
    from parvis.consultations.models import Response as ConsultationResponse
    from parvis.groups.models import (
        Group,
        JoinRequest,
        Membership,
        Mention,
        Message,
        Thread,
        ThreadRead,
    )
    from parvis.localreports.models import Report as LocalReport
    from parvis.localreports.models import Support as LocalReportSupport
    from parvis.news.models import Follow, Post
    from parvis.notifications.models import Activity, EmailOutbox, Notification
    from parvis.organisations.models import Organisation, OrganisationMembership
    from parvis.questions.models import Follow as QuestionFollow
    from parvis.questions.models import Question as OfficialQuestion
    from parvis.questions.models import Support
    from parvis.volunteers.models import Call as VolunteerCall
    from parvis.volunteers.models import Signup as VolunteerSignup
    from parvis.volunteers.models import Slot as VolunteerSlot

    return [
        VolunteerSignup,
        VolunteerSlot,
        VolunteerCall,
        LocalReportSupport,
        LocalReport,
        Support,
        QuestionFollow,
        OfficialQuestion,
        Notification,
        EmailOutbox,
        Answer.options.through,
        Answer,
        ConsultationResponse,
        Comment,
        Option,
        Question,
        Consultation.audience.through,
        Consultation,
        Follow,
        Post.audience.through,
        Post,
        Activity,
        ThreadRead,
        Mention,
        Message,
        Thread,
        JoinRequest,
        Membership,
        Group,
        Rsvp,
        EventOccurrence,
        Event.audience.through,
        Event,
        OrganisationMembership,
        Organisation,
        EmailAddress,
        User,
    ]


def reset():
    """Empty the seeded tables (and the rows that depend on them) and restart their ids."""
    from django.db import connection

    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _reset_models())
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # noqa: S608


def already_seeded():
    from parvis.accounts.models import User

    return User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").exists()


def analyze():
    """Fresh planner statistics for the whole database (the territory too), after a
    ``VACUUM``: what autovacuum does soon after such a load in production. Without it the
    rows the seed wrote then updated (the discussions' denormalised columns) stay dead, and
    the GIN indexes' pending lists (rows copied after the index was built) are read at each
    search: 7 ms and 480 buffers to find no discussion titled "marché" at 100%."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM (ANALYZE)")


def check_database(allow_any):
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark dataset needs PostgreSQL: set DATABASE_URL.")
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not allow_any:
        raise SystemExit(
            f"Refusing to seed database {name!r}: use a database of its own whose name "
            "contains 'bench' (or pass --allow-any-database)."
        )
    return name


def seed(
    *,
    scale=1.0,
    seed=DEFAULT_SEED,
    anchor=None,
    reset_first=False,
    out=None,
    allow_any_database=False,
):
    """Write the dataset; returns the ``Context`` (``ctx.counts``: rows written by table,
    ``ctx.timings``: seconds by step). Refuses a database whose name lacks "bench" unless
    ``allow_any_database`` (the tests seed their own test database)."""
    from django.utils import timezone

    if not 0 < scale <= 10:
        raise ValueError("scale must be between 0 and 10")
    check_database(allow_any_database)
    if reset_first:
        reset()
    elif already_seeded():
        raise SystemExit("The database already holds a bench dataset: pass --reset to rebuild it.")
    ctx = Context(
        scale=scale, seed=seed, anchor=anchor or timezone.localdate(), out=out or sys.stderr
    )
    load_territory(ctx)
    for step in STEPS:
        started = time.monotonic()
        step(ctx)
        ctx.timings[step.__name__.removeprefix("seed_")] = time.monotonic() - started
    started = time.monotonic()
    analyze()
    ctx.timings["analyze"] = time.monotonic() - started
    return ctx
