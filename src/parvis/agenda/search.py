"""Full-text search of the agenda's events.

On PostgreSQL, an event's title (weight A) and description (weight B) are matched with the
``french_unaccent`` configuration (French stemming, accents ignored) created by
``directory/migrations/0001``. Migration ``0010_event_stored_search_document`` stores that
document in the generated column ``agenda_event.search_document``, indexed by the GIN index
``agenda_event_fts``; ``event_vector`` reads it, so a search neither re-parses the texts to
match nor to rank (``tests/agenda/test_queries.py`` checks the plan). Each word the user
types is matched as a prefix, all words required.

Other databases (the embedded SQLite first run) fall back to ``icontains`` on each word.
"""

from django.db.models import Q
from django.db.models.expressions import RawSQL

from parvis.core.search import stored_document
from parvis.directory.search import full_text_available, prefix_query, search_words

from .models import Event

__all__ = ["event_vector", "matching_events", "search_words"]

FALLBACK_FIELDS = ("title", "description")


def event_vector():
    """The stored document of an event (title A, description B; indexed as
    ``agenda_event_fts``), PostgreSQL only."""
    return stored_document(Event)


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
