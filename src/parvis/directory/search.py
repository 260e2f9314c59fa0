"""Full-text search of the directory.

On PostgreSQL, names and descriptions are matched with the ``french_unaccent`` text search
configuration (French stemming, accents ignored) created by this app's first migration, which
also builds GIN indexes on exactly the expressions below: a query uses the index only if it
compiles to the same ``to_tsvector(...)`` expression, so the migration and these functions must
stay in step (``tests/directory/test_search.py`` checks the plan). Each word the user types is
reduced to letters and digits and matched as a prefix ("Beauv" finds "Beauvaisis").

Other databases (the embedded SQLite first run) fall back to a case-insensitive ``icontains`` on
each word.
"""

import operator
import re
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q

from parvis.core.search import stored_document

CONFIG = "french_unaccent"
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
_WORD = re.compile(r"[^\W_]+")


def search_words(text):
    """The words of ``text``, each reduced to letters and digits (safe in a raw tsquery)."""
    return [word[:MAX_WORD_LENGTH] for word in _WORD.findall(text or "")][:MAX_WORDS]


def member_vector():
    """The document of a member: first and last name (indexed as ``accounts_user_fts``)."""
    return SearchVector("first_name", "last_name", config=CONFIG)


def organisation_vector():
    """The document of an organisation: its name (weight A) and description (weight B),
    stored in the generated column ``search_document`` indexed as
    ``organisations_organisation_fts`` (``organisations/migrations/0009``)."""
    return stored_document("organisations_organisation")


def prefix_query(words):
    """Every word as a prefix, all required: ``eleve:* & beauv:*``."""
    return SearchQuery(" & ".join(f"{word}:*" for word in words), config=CONFIG, search_type="raw")


def full_text_available(queryset):
    return connections[queryset.db].vendor == "postgresql"


def search(queryset, *, words, vector, fallback_fields):
    """``queryset`` narrowed to rows matching every word in ``words``.

    On PostgreSQL the rows carry a ``rank`` annotation (best matches first is the caller's
    choice of ordering); elsewhere every word must appear in one of ``fallback_fields``.
    """
    if not words:
        return queryset
    if full_text_available(queryset):
        query = prefix_query(words)
        return (
            queryset.alias(document=vector)
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query))
        )
    for word in words:
        queryset = queryset.filter(
            reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in fallback_fields))
        )
    return queryset
