"""Calendar grids of the agenda: the days of a month or a week with their occurrences.

A grid costs one query whatever the number of events: the occurrences of its date range are
numbered per local day with window functions (``ROW_NUMBER`` and ``COUNT`` over the day), and
only the first few of each day are fetched, each carrying its day's total for the "N more"
link. Occurrences are placed on the day they start, in Europe/Paris.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from .filters import local_midnight

MONTH_PER_DAY = 3
WEEK_PER_DAY = 10


@dataclass
class Day:
    date: datetime.date
    occurrences: list = field(default_factory=list)
    total: int = 0
    in_month: bool = True

    @property
    def is_today(self):
        return self.date == timezone.localdate()

    @property
    def more(self):
        return self.total - len(self.occurrences)


def days_with_occurrences(queryset, first_day, last_day, *, per_day):
    """``Day`` objects from ``first_day`` to ``last_day`` (inclusive), each with at most
    ``per_day`` occurrences of ``queryset`` starting that day, in one query."""
    days = {}
    current = first_day
    while current <= last_day:
        days[current] = Day(date=current)
        current += datetime.timedelta(days=1)
    local_day = TruncDate("start", tzinfo=timezone.get_current_timezone())
    rows = (
        queryset.filter(
            start__gte=local_midnight(first_day),
            start__lt=local_midnight(last_day + datetime.timedelta(days=1)),
        )
        .annotate(
            day=local_day,
            day_rank=Window(
                RowNumber(), partition_by=[local_day], order_by=[F("start").asc(), F("pk").asc()]
            ),
            day_total=Window(Count("pk"), partition_by=[local_day]),
        )
        .filter(day_rank__lte=per_day)
        .order_by("start", "pk")
    )
    for occurrence in rows:
        day = days.get(occurrence.day)
        if day is None:  # pragma: no cover - a row on the edge of a DST change
            continue
        day.occurrences.append(occurrence)
        day.total = occurrence.day_total
    return list(days.values())


def month_weeks(queryset, year, month, *, per_day=MONTH_PER_DAY):
    """The weeks (Monday first) of the month grid, each a list of seven ``Day`` objects."""
    dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = days_with_occurrences(queryset, dates[0][0], dates[-1][-1], per_day=per_day)
    for day in days:
        day.in_month = day.date.month == month
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def week_days(queryset, monday, *, per_day=WEEK_PER_DAY):
    return days_with_occurrences(
        queryset, monday, monday + datetime.timedelta(days=6), per_day=per_day
    )
