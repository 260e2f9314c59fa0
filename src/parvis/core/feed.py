"""The member's feed: what is new in what they follow and belong to, newest first.

The feed is the main column of a member's home page (``core.views.home``) and of its next
pages (``core.views.feed``, "See more of your feed", a plain link that works without
JavaScript). Core knows no domain app: each app that has something to show registers a
``FeedSource`` in its ``content.py`` (see ``parvis.core.content``):

.. code-block:: python

    from parvis.core.feed import FeedSource, feed_sources

    feed_sources.register(
        FeedSource(
            key="agenda",
            items=events_of_followed_organisations,  # (user, before, limit) -> [FeedItem]
            tags=("agenda.event",),  # the collections it lists
        )
    )

``items(user, before, limit)`` returns at most ``limit`` ``FeedItem``\\ s older than ``before``
(a timezone-aware datetime, or ``None`` for the newest), newest first, in **one or two
queries with a LIMIT**, whatever the volume: the page merges every source's items and keeps
the ``limit`` newest, so its cost is the sum of the sources' and never grows with the data
(``tests/core/test_feed.py`` pins it at two volumes). A source shows only what the member may
see (each app's ``visible_to`` filter; hidden and deleted content never).

``annotators`` complete the items of a page in one query each (the reactions' counts, by
the comments app, which knows them).

Paging is by a cursor: the time of the last item shown, in microseconds since the epoch
(``?avant=``); items written at that very microsecond by two sources may be skipped, a risk
accepted for a cursor that needs no state.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

PAGE_SIZE = 10


@dataclass
class FeedItem:
    """One entry of the feed."""

    #: A key unique in the feed, the item's target key where it has one (``groups.message:7``).
    key: str
    when: dt.datetime
    #: Who acted: a member (a face) or an organisation (its logo), or ``None`` (a former member).
    actor: Any
    actor_url: str
    #: What happened, in context ("in the group Gardeners of Beauvais"), already translated.
    context: str
    title: str
    url: str
    excerpt: str = ""
    #: Reactions' count where the item takes reactions (an annotator fills it).
    reactions: int | None = None
    #: Whether the item can take reactions (its key is a reaction target).
    reactable: bool = False


@dataclass(frozen=True)
class FeedSource:
    """One kind of activity the feed shows (see the module's docstring)."""

    key: str
    items: Callable[[Any, dt.datetime | None, int], Iterable[FeedItem]]
    tags: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FeedPage:
    items: list
    #: The cursor of the next page (``?avant=``), or ``None`` when this page is the last.
    next_cursor: int | None


class FeedRegistry:
    """The feed's sources and annotators, registered by the apps."""

    def __init__(self):
        self._sources: dict[str, FeedSource] = {}
        self._annotators: dict[str, Callable[[list], None]] = {}

    def __repr__(self):
        return f"<FeedRegistry: {', '.join(self._sources)}>"

    def __contains__(self, key):
        return key in self._sources

    def register(self, source):
        if not isinstance(source, FeedSource):
            raise TypeError(f"Register a FeedSource, not {type(source).__name__}.")
        self._sources[source.key] = source
        return source

    def unregister(self, key):
        self._sources.pop(key, None)

    def annotator(self, key, function):
        """Register ``function(items)``, which completes a page's items in one query."""
        self._annotators[key] = function
        return function

    def sources(self):
        return [self._sources[key] for key in sorted(self._sources)]

    def tags(self):
        """The collections the sources list: the member's home is retired by their writes."""
        return tuple(dict.fromkeys(tag for source in self.sources() for tag in source.tags))

    def page(self, user, *, before=None, limit=PAGE_SIZE):
        """The ``limit`` newest items older than ``before`` of every source, and the next
        page's cursor."""
        items = []
        for source in self.sources():
            items.extend(source.items(user, before, limit + 1))
        items.sort(key=lambda item: (item.when, item.key), reverse=True)
        shown = items[:limit]
        for annotate in self._annotators.values():
            annotate(shown)
        more = len(items) > limit
        return FeedPage(items=shown, next_cursor=to_cursor(shown[-1].when) if more else None)


#: The registry of the feed's sources.
feed_sources = FeedRegistry()

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: Cursors outside these bounds are junk: the first page is shown instead.
_MAX_CURSOR = 10**17


def to_cursor(when):
    delta = when - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 10**6 + delta.microseconds


def from_cursor(value):
    """The datetime of a cursor typed in a URL, or ``None`` when it is not one."""
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 17:
        return None
    number = int(value)
    if not 0 < number < _MAX_CURSOR:
        return None
    return _EPOCH + dt.timedelta(microseconds=number)


def older_than(before, field_name):
    """A filter's keyword arguments: ``field_name`` before the cursor (none for page one)."""
    return {f"{field_name}__lt": before} if before is not None else {}
