"""When items of a scheduled model (``Declaration.scheduled``: posts published or expiring
later, consultations opening or closing) enter or leave lists by themselves, with no write.

A page showing such a collection is kept until the first of these instants to come, among all
the model's rows (``next_instant``), instead of a minute at most: a search or a list of
information is then kept for its page time while nothing is due. The instant is read with one
query and kept in the cache while the model's collection tags hold: a write that lists,
unlists or moves an item (a new post scheduled for tonight) retires them, and the instant is
read again; once it has passed, it is read again too.

What a page shows changes by itself at midnight too ("today"), and when a date it loaded starts
or ends (``UNTIL``): ``changes_at`` is the first of all these.
"""

import datetime as dt

from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from . import tags as tagging
from .writes import tag_values

NEXT_KEY = "pagecache:scheduled:{}"
#: A day at most between two readings, whatever happens.
KEPT_SECONDS = 86_400
#: Marks, among what a render loaded, an instant its page changes at (``Declaration.times``).
UNTIL = "until"


def next_midnight(now: float) -> float:
    """The next local midnight after ``now`` (a timestamp): "today" changes."""
    zone = timezone.get_current_timezone()
    tomorrow = dt.datetime.fromtimestamp(now, zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0), tzinfo=zone).timestamp()


_scheduled_declarations = None


def _scheduled(tags) -> list:
    """The scheduled models (``Declaration.scheduled``) whose collections ``tags`` show."""
    global _scheduled_declarations
    if _scheduled_declarations is None:
        _scheduled_declarations = tagging.scheduled()
    result = []
    for declaration in _scheduled_declarations:
        label, prefix, loaded = (
            declaration.label,
            declaration.label + "@",
            tagging.bulk(declaration.label),
        )
        if any(tag == label or (tag.startswith(prefix) and tag != loaded) for tag in tags):
            result.append(declaration)
    return result


def deadline(found, now: float) -> float:
    """The first instant after ``now`` at which the page rendered with ``found`` may change by
    itself: the next midnight, the next time of an item it loaded (``Declaration.times``)."""
    instants = [next_midnight(now)]
    instants.extend(value for kind, value in found if kind == UNTIL and value > now)
    return min(instants)


def changes_at(found, tags, now: float) -> float:
    """The first instant after ``now`` at which a page rendered with ``found`` and showing
    ``tags`` changes by itself: ``deadline``, or an item of a scheduled collection it shows
    entering or leaving it (a post published later enters its lists then)."""
    instant = deadline(found, now)
    for declaration in _scheduled(tags):
        instant = min(instant, next_instant(declaration, now))
    return instant


def next_instant(declaration, now: float) -> float:
    """The first instant after ``now`` (a timestamp) at which one of ``declaration.times`` of
    a row of its table comes; ``inf`` when none is to come."""
    label = declaration.label
    guard = tag_values([tagging.collection(label), tagging.bulk(label)])
    guard = tuple(sorted(guard.items()))
    key = NEXT_KEY.format(label)
    stored = cache.get(key)
    if stored is not None and stored[0] == guard and stored[1] > now:
        return stored[1]
    instant = _first_after(declaration, now)
    cache.set(key, (guard, instant), KEPT_SECONDS)
    return instant


def _first_after(declaration, now: float) -> float:
    connection = connections["default"]
    quote = connection.ops.quote_name
    table = quote(declaration.table)
    parts = [  # names from the models' declarations, quoted; the instant is a parameter
        f"SELECT MIN({quote(column)}) AS t FROM {table} WHERE {quote(column)} > %s"  # noqa: S608
        for column in declaration.times
    ]
    if not parts:
        return float("inf")
    moment = dt.datetime.fromtimestamp(now, dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(t) FROM ({' UNION ALL '.join(parts)}) AS due",  # noqa: S608 - names
            [moment] * len(parts),
        )
        (value,) = cursor.fetchone()
    if value is None:
        return float("inf")
    if isinstance(value, str):  # SQLite without converters
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()
