"""Calendar grids of the agenda: the days of a month or a week with their occurrences.

A grid costs two queries whatever the number of events: the first chooses the dates each day
shows (at most ``per_day``, soonest first) and counts the day's dates; the second loads the
chosen dates with their events. Occurrences are placed on the day they start, in Europe/Paris.

The first query takes one of two shapes (``days_with_occurrences``):

- ``dense`` (the whole agenda, no filter), on PostgreSQL: for each day, its first dates in order
  on the ``start`` index, ``DAY_COUNT_CAP + 1`` at most (a ``LATERAL`` join over the days). The
  cost is bounded — at most ``DAY_COUNT_CAP + 1`` dates read per day, however many a day holds;
  a day with more says "more than".
- otherwise (filters, or SQLite): window functions number each day's matching dates
  (``ROW_NUMBER`` and ``COUNT`` over the local day) on narrow rows, keeping the first
  ``per_day``. Filters let PostgreSQL start from their own indexes (category, commune, search),
  and the day counts are exact.

See docs/performance.md for the plans and timings.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, DateTimeField, F, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from parvis.core.reversing import cached_reverse

from .filters import local_midnight

MONTH_PER_DAY = 4
WEEK_PER_DAY = 10
#: A dense grid counts at most this many dates a day; beyond, the day says "more than".
DAY_COUNT_CAP = 100


@dataclass
class Day:
    date: datetime.date
    occurrences: list = field(default_factory=list)
    total: int = 0
    #: ``total`` is a lower bound: the day holds more dates than were counted.
    total_capped: bool = False
    in_month: bool = True

    @property
    def url(self):
        """The day's page (linked twice from each cell of the month grid)."""
        d = self.date
        return cached_reverse("agenda:day", year=d.year, month=d.month, day=d.day)

    @property
    def is_today(self):
        return self.date == timezone.localdate()

    @property
    def more(self):
        return self.total - len(self.occurrences)


def _day_bounds(day):
    return local_midnight(day), local_midnight(day + datetime.timedelta(days=1))


def _dense_choice(queryset, days, *, per_day):
    """``{date: (pks shown, total, capped)}``, in one query: the filtered occurrences between
    two bounds, joined laterally to the list of days, so that each day is read in order on the
    ``start`` index and stops after ``DAY_COUNT_CAP + 1`` rows (PostgreSQL)."""
    lower = RawSQL("grid_day.lower_bound", (), output_field=DateTimeField())
    upper = RawSQL("grid_day.upper_bound", (), output_field=DateTimeField())
    dates = (
        queryset.filter(start__gte=lower, start__lt=upper)
        .order_by("start", "pk")
        .values_list("pk", "start")[: DAY_COUNT_CAP + 1]
    )
    dates_sql, dates_params = dates.query.sql_with_params()
    # dates_sql is compiled by Django; every value is a parameter.
    sql = (
        "SELECT position, pk, total FROM ("  # noqa: S608
        " SELECT grid_day.position, dates.pk,"
        " ROW_NUMBER() OVER (PARTITION BY grid_day.position ORDER BY dates.start, dates.pk)"
        " AS day_rank,"
        " COUNT(*) OVER (PARTITION BY grid_day.position) AS total"
        " FROM unnest(%s::timestamptz[], %s::timestamptz[])"
        " WITH ORDINALITY AS grid_day(lower_bound, upper_bound, position)"
        f" CROSS JOIN LATERAL ({dates_sql}) AS dates(pk, start)"
        ") AS ranked WHERE day_rank <= %s ORDER BY position, day_rank"
    )
    bounds = [_day_bounds(day) for day in days]
    params = [
        [lower for lower, _upper in bounds],
        [upper for _lower, upper in bounds],
        *dates_params,
        per_day,
    ]
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    chosen = {}
    for position, pk, total in rows:
        capped = total > DAY_COUNT_CAP
        day = days[position - 1]
        chosen.setdefault(day, ([], min(total, DAY_COUNT_CAP), capped))[0].append(pk)
    return chosen


def _ranked_choice(queryset, first_day, last_day, *, per_day):
    """``{date: (pks shown, total, False)}`` numbered by window functions over the range."""
    first, _ = _day_bounds(first_day)
    _, end = _day_bounds(last_day)
    local_day = TruncDate("start", tzinfo=timezone.get_current_timezone())
    rows = (
        queryset.filter(start__gte=first, start__lt=end)
        .annotate(
            day=local_day,
            day_rank=Window(
                RowNumber(), partition_by=[local_day], order_by=[F("start").asc(), F("pk").asc()]
            ),
            day_total=Window(Count("pk"), partition_by=[local_day]),
        )
        .filter(day_rank__lte=per_day)
        .order_by()
        .values_list("day", "pk", "day_total")
    )
    chosen = {}
    for day, pk, total in rows:
        chosen.setdefault(day, ([], total, False))[0].append(pk)
    return chosen


def days_with_occurrences(queryset, first_day, last_day, *, per_day, dense=False):
    """``Day`` objects from ``first_day`` to ``last_day`` (inclusive), each with at most
    ``per_day`` occurrences of ``queryset`` starting that day, soonest first, and the day's
    total; two queries. ``dense``: the queryset is the whole agenda (see the module's
    docstring)."""
    days = []
    current = first_day
    while current <= last_day:
        days.append(Day(date=current))
        current += datetime.timedelta(days=1)
    if dense and connections[queryset.db].vendor == "postgresql":
        chosen = _dense_choice(queryset, [day.date for day in days], per_day=per_day)
    else:
        chosen = _ranked_choice(queryset, first_day, last_day, per_day=per_day)
    shown = [pk for pks, _total, _capped in chosen.values() for pk in pks]
    occurrences = {}
    if shown:
        occurrences = {o.pk: o for o in queryset.filter(pk__in=shown).order_by("start", "pk")}
    for day in days:
        pks, day.total, day.total_capped = chosen.get(day.date, ([], 0, False))
        day.occurrences = [occurrences[pk] for pk in pks if pk in occurrences]
        day.occurrences.sort(key=lambda occurrence: (occurrence.start, occurrence.pk))
    return days


def month_weeks(queryset, year, month, *, per_day=MONTH_PER_DAY, dense=False):
    """The weeks (Monday first) of the month grid, each a list of seven ``Day`` objects."""
    dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = days_with_occurrences(queryset, dates[0][0], dates[-1][-1], per_day=per_day, dense=dense)
    for day in days:
        day.in_month = day.date.month == month
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def week_days(queryset, monday, *, per_day=WEEK_PER_DAY, dense=False):
    return days_with_occurrences(
        queryset, monday, monday + datetime.timedelta(days=6), per_day=per_day, dense=dense
    )
