"""One search box across every content type: the search registry.

Each domain app registers, from its ``content.py`` (``parvis.core.content``), a
``SearchProvider`` for each of its content types; core imports none of them. The search page
(``/recherche/``), its suggestions (the header's typeahead) and the API (``/api/recherche/``)
ask every provider for its best matches, one query each (with a ``LIMIT``), and show them
grouped by type, each group with a "see all" link.

.. code-block:: python

    from parvis.core import search

    search.providers.register(
        search.SearchProvider(
            key="evenements",  # ?type=evenements, the API's "type"
            label=_("Events"),
            order=search.ORDER["events"],
            query=events_matching,  # (user, query: search.Query) -> ranked queryset
            result=lambda event: search.Result(title=event.title, url=..., detail=...),
            see_all_url=lambda query: f"/agenda/?q={query.urlencoded}",  # optional
        )
    )

``query(user, query)`` returns the rows ``user`` may see that match ``query`` (never hidden
nor deleted ones: use the app's visibility selectors and ``exclude_hidden``), best first, shaped
so that ``result(row)`` costs no query (``select_related``, annotations). The helpers below
build the match: ``text_search`` (PostgreSQL full text with the ``french_unaccent``
configuration, each word a prefix, all required; ``icontains`` on other databases) and
``name_search`` (the same, or trigram similarity of a name: typos forgiven).

Results are reused (``group_results``, ``page_of``): each type's answer to a search is kept in
the page cache (``parvis.core.pagecache``) for everyone who sees the same results of that type
(``SearchProvider.audience``), while the collections its query reads (found in its SQL:
``pagecache.read_by``) and the items it showed are not retired; the visitors' search pages,
suggestions and API answers are whole cached pages besides.

The ``french_unaccent`` configuration (French stemming, accents ignored) is created by
``directory/migrations/0001``; the ``pg_trgm`` extension by ``territories/migrations/0002``.
"""

import operator
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import reduce
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramSimilarity,
)
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, FloatField, Q, Value
from django.db.models.expressions import Col, Expression
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from . import pagecache

CONFIG = "french_unaccent"
MAX_LENGTH = 200  # characters of a query read; the rest is ignored
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
#: Results per type on the search page and in the API's overview; suggestions show fewer.
GROUP_LIMIT = 5
SUGGESTION_LIMIT = 3
PER_PAGE = 20
#: Trigram similarity (0..1) above which a name counts as a match despite typos.
TRIGRAM_THRESHOLD = 0.35
#: Results a type's page counts at most ("More than 100 results.": add words beyond).
COUNTED = 100
#: Matches ranked at most, per type, on the large tables (``text_search(newest=...)``): the
#: newest ones, found by walking an index in that order, then ranked. A common word matches
#: tens of thousands of events at the scale of a département: ranking them all read every
#: one (70-90 ms, see docs/performance.md, "Search at 100%"). One more than ``COUNTED``, so
#: that a type's page still tells "more than 100 results".
RANKED = COUNTED + 1
#: Suggested order of the groups, lower first (a new type picks a free number).
ORDER = {
    "communes": 10,
    "events": 20,
    "groups": 30,
    "discussions": 35,
    "organisations": 40,
    "officials": 50,
    "news": 60,
    "consultations": 70,
    "members": 80,
}

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Query:
    """What the person typed, cleaned: ``text`` (trimmed, at most ``MAX_LENGTH`` characters)
    and its ``words`` (letters and digits only: safe in a raw tsquery)."""

    text: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, raw):
        text = " ".join(str(raw or "").replace("\x00", " ").split())[:MAX_LENGTH]
        words = tuple(word[:MAX_WORD_LENGTH] for word in _WORD.findall(text))[:MAX_WORDS]
        return cls(text=" ".join(words), words=words)

    def __bool__(self):
        return bool(self.words)

    @property
    def urlencoded(self):
        """``q=<text>`` for a link."""
        return urlencode({"q": self.text})


@dataclass(frozen=True)
class Result:
    """One result as the pages and the API show it."""

    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchProvider:
    """A content type the search box finds.

    ``key``
        its slug in ``/recherche/?type=<key>`` and the API's ``type``.
    ``label``
        the group's heading (a lazy translation, plural: "Events").
    ``query``
        ``(user, query) -> queryset``: the matching rows ``user`` may see, best first.
    ``result``
        ``(row) -> Result``, without a query.
    ``see_all_url``
        ``(query) -> str``: the app's own list filtered on the words, or ``None`` for the
        search page of this type only.
    ``order``
        groups show by increasing order, then key.
    ``audience``
        ``(user) -> key``: users with the same key get the same results of this type
        (``everyone``, ``visitors_or_members``, or the app's own: e.g. the private groups one
        belongs to), which are then computed once for all of them and reused. ``None``: each
        member's own results, computed at each request (visitors share theirs).
    """

    key: str
    label: str | Promise
    query: Callable[[Any, Query], Any]
    result: Callable[[Any], Result]
    see_all_url: Callable[[Query], str] | None = None
    order: int = 100
    audience: Callable[[Any], Hashable] | None = None


def everyone(user):
    """``SearchProvider.audience`` of a type whose results are the same for everyone (its
    visibility rules do not depend on who asks, once hidden items are left out for all)."""
    return "everyone"


def visitors_or_members(user):
    """``SearchProvider.audience`` of a type whose results differ between visitors and members
    only (e.g. the members who opened their profile to members)."""
    return "members" if user.is_authenticated else "visitors"


class SearchRegistry:
    """The content types of the search box, registered by their apps."""

    def __init__(self):
        self._providers: dict[str, SearchProvider] = {}

    def __contains__(self, key):
        return key in self._providers

    def __len__(self):
        return len(self._providers)

    def register(self, provider):
        """Add ``provider`` (replacing one with the same key) and return it."""
        if not isinstance(provider, SearchProvider):
            raise TypeError(f"Register a SearchProvider, not {type(provider).__name__}.")
        self._providers[provider.key] = provider
        return provider

    def unregister(self, key):
        self._providers.pop(key, None)

    def get(self, key):
        return self._providers.get(key)

    def all(self):
        return sorted(self._providers.values(), key=lambda p: (p.order, p.key))


#: The registry the apps fill from their ``content.py``.
providers = SearchRegistry()


@dataclass
class Group:
    """The results of one type: ``results`` (at most the limit) and whether there are more."""

    provider: SearchProvider
    results: list[Result]
    has_more: bool
    see_all_url: str

    @property
    def key(self):
        return self.provider.key

    @property
    def label(self):
        return self.provider.label


def see_all_url(provider, query):
    if provider.see_all_url is not None:
        url = provider.see_all_url(query)
        if url:
            return url
    return f"{reverse('search')}?{urlencode({'q': query.text, 'type': provider.key})}"


def search_all(user, query, *, limit=GROUP_LIMIT, types=None):
    """The groups of results of every provider (or of the keys in ``types``) with at least one
    result: one query per provider (``limit + 1`` rows each), none for the types whose results
    are reused (``group_results``; read from the cache at once). The suggestions (a lower
    ``limit``) are the first results of the search page's, and reuse them."""
    if not query:
        return []
    fetched = max(limit, GROUP_LIMIT)
    selected = [p for p in providers.all() if not types or p.key in types]
    audiences = {}  # two types sharing an audience function ask it once
    answers = _reused_many(
        [
            (provider, ("top", fetched), _top(provider, user, query, fetched))
            for provider in selected
        ],
        user,
        query,
        audiences,
    )
    groups = []
    for provider, (results, has_more) in zip(selected, answers, strict=True):
        if results:
            groups.append(
                Group(
                    provider=provider,
                    results=results[:limit],
                    has_more=has_more or len(results) > limit,
                    see_all_url=see_all_url(provider, query),
                )
            )
    return groups


# --- reusing results ----------------------------------------------------------------------------


def audience_of(provider, user, audiences=None):
    """Who gets the same results of ``provider`` as ``user`` (``SearchProvider.audience``), or
    ``None``: ``user``'s own results, never reused. ``audiences``: a dict remembering the
    answers of the audience functions already asked for ``user``."""
    if provider.audience is None:
        return None if user.is_authenticated else "visitors"
    if audiences is None:
        return provider.audience(user)
    if provider.audience not in audiences:
        audiences[provider.audience] = provider.audience(user)
    return audiences[provider.audience]


def _reused_many(asked, user, query, audiences=None):
    """``[compute() for provider, what, compute in asked]``, each (a query of ``provider``'s
    for ``user``) from the page cache when the same audience asked it before and what it read
    is unchanged (``pagecache.fragments``: one cache read for all)."""
    if not pagecache.fragments_enabled():
        return [compute() for _provider, _what, compute in asked]
    answers = [None] * len(asked)
    cached = []
    for index, (provider, what, compute) in enumerate(asked):
        audience = audience_of(provider, user, audiences)
        if audience is None:
            answers[index] = compute()
        else:
            parts = (
                "search:v1",
                provider.key,
                audience,
                query.text,
                what,
                translation.get_language(),
                timezone.get_current_timezone_name(),
            )
            cached.append((index, parts, compute))
    values = pagecache.fragments(
        [(parts, compute) for _index, parts, compute in cached],
        seconds=settings.PARVIS_FRAGMENT_CACHE_SECONDS,
    )
    for (index, _parts, _compute), value in zip(cached, values, strict=True):
        answers[index] = value
    return answers


def _reused(provider, user, query, what, compute):
    return _reused_many([(provider, what, compute)], user, query)[0]


def _reading(queryset):
    """``queryset``, after declaring what it reads to the page or fragment being rendered."""
    if not pagecache.recording():
        return queryset
    try:
        sql, _params = queryset.query.sql_with_params()
    except EmptyResultSet:  # nothing can match, whatever the data
        return queryset
    pagecache.depends_on(*pagecache.read_by(sql))
    return queryset


def _top(provider, user, query, limit):
    def compute():
        rows = list(_reading(provider.query(user, query)[: limit + 1]))
        return [provider.result(row) for row in rows[:limit]], len(rows) > limit

    return compute


def group_results(provider, user, query, *, limit=GROUP_LIMIT):
    """``(results, has_more)``: ``provider``'s best ``limit`` results for ``user``, and whether
    there are more. One query, or none when reused: kept for everyone in the type's audience
    while neither the collections its query reads nor the items it showed were retired (a new
    matching item, an edit, a hidden item show at once), ``PARVIS_PAGE_CACHE_SECONDS`` at
    most, never past the next midnight nor the instant a result changes by itself (a
    consultation closing, a post expiring)."""
    return _reused(provider, user, query, ("top", limit), _top(provider, user, query, limit))


def results_between(provider, user, query, start, stop):
    """The results ``start`` to ``stop`` (excluded) of ``provider`` for ``user``, best first:
    one query, or none when reused (see ``group_results``)."""

    def compute():
        return [provider.result(row) for row in _reading(provider.query(user, query)[start:stop])]

    return _reused(provider, user, query, ("between", start, stop), compute)


def page_of(provider, user, query, number):
    """The page ``number`` (a ``Page``, its ``results`` set) of ``provider``'s results for
    ``user``, at most ``COUNTED`` counted (``paginator.truncated`` beyond): a capped count and
    the page, two queries, or none when reused (see ``group_results``)."""

    def count():
        counted = _reading(provider.query(user, query)[: COUNTED + 1]).count()
        return min(counted, COUNTED), counted > COUNTED

    total, truncated = _reused(provider, user, query, ("count",), count)
    paginator = Paginator(range(total), PER_PAGE)
    paginator.truncated = truncated
    page = paginator.get_page(number)
    bottom = (page.number - 1) * PER_PAGE
    top = bottom + len(page.object_list)

    def results():
        if top == bottom:
            return []
        rows = _reading(provider.query(user, query)[bottom:top])
        return [provider.result(row) for row in rows]

    page.results = _reused(provider, user, query, ("page", page.number), results)
    return page


# --- building the match ---------------------------------------------------------------------


def full_text_available(queryset):
    return connections[queryset.db].vendor == "postgresql"


def prefix_query(words):
    """Every word as a prefix, all required: ``eleve:* & beauv:*``."""
    return SearchQuery(" & ".join(f"{word}:*" for word in words), config=CONFIG, search_type="raw")


class _StoredDocument(Expression):
    """A column the model does not declare, named like a field's column: resolved against the
    query's own alias for its table (``agenda_event``, or ``V0`` once the queryset is a
    subquery), as Django's columns are."""

    def __init__(self, table, column):
        super().__init__(output_field=SearchVectorField())
        self.table, self.column = table, column

    def resolve_expression(self, query=None, *args, **kwargs):
        alias = self.table
        if query is not None and query.model._meta.db_table == self.table:
            alias = query.get_initial_alias()
        target = SearchVectorField()
        target.set_attributes_from_name(self.column)
        target.model = query.model if query is not None else None  # for Col's identity
        return Col(alias, target)

    def as_sql(self, compiler, connection):  # pragma: no cover - always resolved first
        raise NotImplementedError("Resolved into a column.")


def stored_document(table, column="search_document"):
    """The document stored in ``model``'s generated ``tsvector`` column (PostgreSQL only): a
    ``vector`` for ``text_search`` that is read, not re-parsed for each match to rank it.

    The column is created by a migration (``GENERATED ALWAYS AS (...) STORED``, with a GIN
    index), not declared on the model: SQLite, the demo's database, has no ``tsvector`` and
    falls back to ``icontains``. It names the table (a model or its table's name): use it on
    querysets of that model (in a subquery too: it follows the table's alias there).
    """
    if hasattr(table, "_meta"):
        table = table._meta.db_table
    return _StoredDocument(table, column)


def _contains_every_word(queryset, words, fields):
    for word in words:
        queryset = queryset.filter(
            reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in fields))
        )
    return queryset


def text_search(queryset, query, *, vector, fallback_fields, newest=None):
    """``queryset`` narrowed to rows whose ``vector`` (a ``SearchVector`` indexed with the
    same expression) holds every word as a prefix, with a ``score``; ``icontains`` on each
    word elsewhere (``score`` 0).

    ``newest`` (an ordering, e.g. ``("-start", "-pk")``): only the ``RANKED`` first matches in
    that order are kept and ranked, so that a common word costs ``RANKED`` rows, not every
    match: PostgreSQL finds them by the order's index (a common word) or by the document's
    (a rare one), in a subquery; the outer query reads and ranks those rows only."""
    if not full_text_available(queryset):
        return _contains_every_word(queryset, query.words, fallback_fields).annotate(
            score=Value(0.0, output_field=FloatField())
        )
    tsquery = prefix_query(query.words)
    matching = queryset.alias(document=vector).filter(document=tsquery)
    if newest:
        candidates = matching.order_by(*newest).values("pk")[:RANKED]
        matching = queryset.alias(document=vector).filter(pk__in=candidates)
    return matching.annotate(score=SearchRank(F("document"), tsquery))


def name_search(queryset, query, *, vector, names, fallback_fields=None, union=False):
    """Like ``text_search``, and also the rows one of whose ``names`` (fields) is similar to
    the text typed (trigrams: "Beauvias" finds "Beauvais", "Dupond" finds "Dupont"); the
    ``score`` adds the best similarity.

    ``union``: the candidates are the union of what each index finds (the document's, each
    name's trigram index), in a subquery. On a table of a few thousand rows, PostgreSQL
    answers the ``OR`` of one ``WHERE`` by reading the table and computing the trigrams of
    every name (65 ms over 10,000 organisations, 5 ms over 700 territories); on a large one
    (members) it combines the indexes itself, with the other filters, and the ``OR`` is
    faster."""
    if not full_text_available(queryset):
        return _contains_every_word(queryset, query.words, fallback_fields or names).annotate(
            score=Value(0.0, output_field=FloatField())
        )
    tsquery = prefix_query(query.words)
    text = query.text.lower()
    similarity = (
        TrigramSimilarity(names[0], text)
        if len(names) == 1
        else Greatest(*(TrigramSimilarity(name, text) for name in names))
    )
    # ``%`` (pg_trgm's threshold, 0.3) lets the trigram index find the candidates; the
    # stricter threshold leaves out short names that merely share a word with a longer query.
    similar = reduce(operator.or_, (Q(**{f"{name}__trigram_similar": text}) for name in names))
    matching = queryset.alias(document=vector, similarity=similarity)
    if not union:
        matching = matching.filter(
            Q(document=tsquery) | (similar & Q(similarity__gte=TRIGRAM_THRESHOLD))
        )
    else:
        rows = queryset.model._base_manager
        candidates = (
            rows.alias(document=vector)
            .filter(document=tsquery)
            .values("pk")
            .union(
                *(rows.filter(**{f"{name}__trigram_similar": text}).values("pk") for name in names)
            )
        )
        matching = matching.filter(pk__in=candidates).filter(
            Q(document=tsquery) | Q(similarity__gte=TRIGRAM_THRESHOLD)
        )
    return matching.annotate(
        score=Coalesce(SearchRank(F("document"), tsquery), 0.0) + F("similarity")
    )
