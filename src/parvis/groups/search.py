"""Full-text search of groups, discussions and messages.

On PostgreSQL, with the ``french_unaccent`` configuration (French stemming, accents ignored)
created by ``directory/migrations/0001``. Migration ``0002_full_text_search`` builds GIN
indexes on exactly the expressions below — a query uses an index only when it compiles to
the same ``to_tsvector(...)`` expression, so keep them in step (``tests/groups/test_search.py``
checks the plans):

- a group: its name (weight A) and description (weight B) — ``groups_group_fts``;
- a discussion: its title — ``groups_thread_fts``;
- a message: its text, stored in ``Message.search_vector`` by a trigger (2,000,000 rows at
  the target scale: a stored vector is cheap to recheck and has statistics) —
  ``groups_message_fts``. Search messages with ``matching_messages``.

Group names and descriptions and discussion titles: each word typed is matched as a prefix,
all words required (``directory.search``). Messages: each word's stem (whole words), all
required — prefix matches have no statistics, which misled the planner at 2,000,000 rows. Other
databases (the embedded SQLite first run) fall back to ``icontains`` on each word.
Visibility is the caller's: search inside querysets from ``selectors`` (``*_visible_to``).
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import F, Q

from parvis.directory.search import CONFIG, full_text_available, prefix_query, search_words

__all__ = [
    "group_vector",
    "matching",
    "matching_messages",
    "message_vector",
    "search_words",
    "thread_vector",
]


def group_vector():
    return SearchVector("name", config=CONFIG, weight="A") + SearchVector(
        "description", config=CONFIG, weight="B"
    )


def thread_vector():
    return SearchVector("title", config=CONFIG)


def message_vector():
    """The document of a message as the trigger computes it. Kept for callers of ``matching``:
    for messages it delegates to ``matching_messages`` (the stored column), whatever vector
    is given."""
    return SearchVector("body", config=CONFIG)


def word_query(words):
    """Every word (stemmed, accents ignored), all required — whole words, not prefixes:
    ``eleve & ecole``. Unlike prefixes, whole words have statistics the planner can use."""
    return SearchQuery(" & ".join(words), config=CONFIG, search_type="raw")


def matching_messages(queryset, *, words):
    """Messages of ``queryset`` whose text contains every word (their stems: "tomate" finds
    "tomates"), over the stored vector on PostgreSQL, ``icontains`` elsewhere. Not ranked:
    the pages list them newest first, so the planner either walks the newest messages
    (common words) or the GIN index (rare ones) — see docs/performance.md."""
    if not words:
        return queryset
    if full_text_available(queryset):
        return queryset.filter(search_vector=word_query(words))
    return _fallback(queryset, words, ("body",))


def _fallback(queryset, words, fields):
    for word in words:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def matching(queryset, *, words, vector, fallback_fields):
    """``queryset`` narrowed to rows matching every word; on PostgreSQL with a ``rank``.
    Messages go to ``matching_messages`` (stored vector, whole words, no rank)."""
    if not words:
        return queryset
    from .models import Message

    if queryset.model is Message:
        return matching_messages(queryset, words=words)
    if full_text_available(queryset):
        query = prefix_query(words)
        return (
            queryset.alias(document=vector)
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query))
        )
    return _fallback(queryset, words, fallback_fields)
