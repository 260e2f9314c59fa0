"""Full-text search of the agenda's events.

On PostgreSQL, an event's title (weight A) and description (weight B) are matched with the
``french_unaccent`` configuration (French stemming, accents ignored) created by
``directory/migrations/0001``. Migration ``0003_event_full_text_search`` builds a GIN index on
exactly the expression of ``event_vector``: a query uses the index only when it compiles to the
same ``to_tsvector(...)`` expression, so keep the two in step (``tests/agenda/test_queries.py``
checks the plan). Each word the user types is matched as a prefix, all words required.

Other databases (the embedded SQLite first run) fall back to ``icontains`` on each word.
"""

from django.contrib.postgres.search import SearchVector
from django.db.models import Q
from django.db.models.expressions import RawSQL

from parvis.directory.search import CONFIG, full_text_available, prefix_query, search_words

from .models import Event

__all__ = ["event_vector", "matching_events", "search_words"]

FALLBACK_FIELDS = ("title", "description")


def event_vector():
    """The document of an event (indexed as ``agenda_event_fts``)."""
    return SearchVector("title", config=CONFIG, weight="A") + SearchVector(
        "description", config=CONFIG, weight="B"
    )


def matching_events(words):
    """Events whose title or description contain every word of ``words``: primary keys to use
    as a subquery (``event_id__in=``)."""
    events = Event.objects.all()
    if full_text_available(events):
        matching = (
            events.alias(document=event_vector())
            .filter(document=prefix_query(words))
            .order_by()
            .values("pk")
        )
        # "OFFSET 0" keeps PostgreSQL from pulling the subquery up into the list's join: it is
        # then answered from the GIN index, once, instead of re-computing the document of each
        # event met while walking the dates in order (see docs/performance.md).
        sql, params = matching.query.sql_with_params()
        return RawSQL(f"{sql} OFFSET 0", params)  # noqa: S611 - SQL compiled by Django
    for word in words:
        condition = Q()
        for field in FALLBACK_FIELDS:
            condition |= Q(**{f"{field}__icontains": word})
        events = events.filter(condition)
    return events.values("pk")
