"""The daily aggregates of the statistics page (``stats_compute``): a handful of grouped
queries, stored as one ``StatSnapshot`` per day (idempotent: recomputing a day replaces it)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from parvis.agenda.models import Event, EventStatus
from parvis.consultations.models import Response
from parvis.groups.models import Message
from parvis.moderation.models import Decision, Report
from parvis.news.models import Post
from parvis.territories.models import Territory, TerritoryKind

from .models import StatSnapshot

MONTHS = 12
WEEKS = 12
ACTIVE_DAYS = 30


def _month_keys(today):
    first = today.replace(day=1)
    keys = []
    for _n in range(MONTHS):
        keys.append(first.strftime("%Y-%m"))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(keys))


def _week_keys(today):
    monday = today - dt.timedelta(days=today.weekday())
    return [(monday - dt.timedelta(weeks=n)).isoformat() for n in reversed(range(WEEKS))]


def _by_month(queryset, field, keys):
    counts = {
        row["month"].strftime("%Y-%m"): row["n"]
        for row in queryset.annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return [[key, counts.get(key, 0)] for key in keys]


def _by_week(queryset, field, keys):
    counts = {
        timezone.localtime(row["week"]).date().isoformat()
        if isinstance(row["week"], dt.datetime)
        else row["week"].isoformat(): row["n"]
        for row in queryset.annotate(week=TruncWeek(field))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return [counts.get(key, 0) for key in keys]


def _by_commune(queryset, path):
    rows = (
        queryset.exclude(**{f"{path}__isnull": True})
        .values(path)
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row[path]: row["n"] for row in rows}
    communes = Territory.objects.filter(pk__in=counts, kind=TerritoryKind.COMMUNE).values_list(
        "pk", "name", "arrondissement_id"
    )
    table = [[pk, name, arrondissement, counts[pk]] for pk, name, arrondissement in communes]
    return sorted(table, key=lambda row: (-row[3], row[1]))


def stats_compute(*, day=None) -> StatSnapshot:
    """Compute every aggregate for ``day`` (today by default) and store it."""
    now = timezone.now()
    today = day or timezone.localdate()
    since_months = dt.datetime.combine(
        dt.date.fromisoformat(_month_keys(today)[0] + "-01"), dt.time.min,
        tzinfo=timezone.get_current_timezone(),
    )  # fmt: skip
    weeks = _week_keys(today)
    since_weeks = dt.datetime.combine(
        dt.date.fromisoformat(weeks[0]), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    months = _month_keys(today)
    User = get_user_model()
    members = User.objects.filter(is_active=True)
    data = {
        "members_total": members.count(),
        "signups_by_month": _by_month(
            User.objects.filter(date_joined__gte=since_months), "date_joined", months
        ),
        "active_by_commune": _by_commune(
            members.filter(last_login__gte=now - dt.timedelta(days=ACTIVE_DAYS)), "commune"
        ),
        "events_by_commune": _by_commune(
            Event.objects.filter(status=EventStatus.PUBLISHED, start__gte=since_months),
            "commune",
        ),
        "participation_by_commune": _by_commune(
            Response.objects.filter(created_at__gte=since_months), "commune"
        ),
        "weeks": weeks,
        "contributions_by_week": {
            "events": _by_week(
                Event.objects.filter(created_at__gte=since_weeks), "created_at", weeks
            ),  # fmt: skip
            "messages": _by_week(
                Message.objects.filter(created_at__gte=since_weeks), "created_at", weeks
            ),
            "posts": _by_week(
                Post.objects.filter(created_at__gte=since_weeks), "created_at", weeks
            ),  # fmt: skip
            "responses": _by_week(
                Response.objects.filter(created_at__gte=since_weeks), "created_at", weeks
            ),
        },
        "moderation_by_week": {
            "reports": _by_week(
                Report.objects.filter(created_at__gte=since_weeks), "created_at", weeks
            ),
            "decisions": _by_week(
                Decision.objects.filter(created_at__gte=since_weeks), "created_at", weeks
            ),
        },
    }
    snapshot, _created = StatSnapshot.objects.update_or_create(
        day=today, defaults={"data": data, "computed_at": now}
    )
    return snapshot
