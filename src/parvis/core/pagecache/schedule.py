"""When items of a scheduled model (``Declaration.scheduled``: posts published or expiring
later, consultations opening or closing) enter or leave lists by themselves, with no write.

A page showing such a collection is kept until the first of these instants to come, among all
the model's rows (``next_instant``), instead of a minute at most: a search or a list of
information is then kept for its page time while nothing is due. The instant is read with one
query and kept in the cache while the model's collection tags hold: a write that lists,
unlists or moves an item (a new post scheduled for tonight) retires them, and the instant is
read again; once it has passed, it is read again too.
"""

import datetime as dt

from django.core.cache import cache
from django.db import connections

from . import tags as tagging
from .writes import tag_values

NEXT_KEY = "pagecache:scheduled:{}"
#: A day at most between two readings, whatever happens.
KEPT_SECONDS = 86_400


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
