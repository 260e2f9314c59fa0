"""The home page's blocks, registered by the apps that fill them.

The home page (``core.views.home``) is a greeting followed by blocks: the latest information,
upcoming events, open consultations, activity in groups... Each app that has something to show
there registers a ``HomeBlock`` in its ``content.py`` (see ``parvis.core.content``), so that
core knows no domain app:

.. code-block:: python

    from parvis.core.home import HomeBlock, home_blocks

    home_blocks.register(
        HomeBlock(
            key="consultations",
            template="consultations/_home_block.html",  # the whole <section>
            context=lambda user: {"open_consultations": open_for(user, 4)},
            order=30,
            tags=("consultations.consultation",),  # the collections it lists
        )
    )

``context(user)`` is called only when the block is rendered: a member's home is a fragment
cached in Redis (``pagecache.fragment``), and a cached fragment costs no query. It returns the
dict the template sees (with the page's own context: ``user``, ``request``...), or ``None`` to
leave the block out for this user. It must cost one or two queries with a ``LIMIT``, whatever
the volume of data: the page's query count is pinned in ``tests/core/test_home.py``.

``place="top"`` puts a member's own block above their feed, outside the cached fragment (the
composer, the first-week checklist); the member's feed itself is ``parvis.core.feed``. Such a
block is read at each request, unless it gives ``fragment(user)``: then it is a fragment of
its own per member (``pagecache.fragment``), keyed by the member, the language and what
``fragment(user)`` returns (what it shows that no write reveals, e.g. the composer's daily
allowance, read from the cache: no query), stored with its ``tags``, ``member_tags(user)``
and the items it loaded; its forms' CSRF and one-time form tokens are filled in at each
request.

``tags`` names the collections the block lists (the page cache's tags, ``"news.post"``): the
visitors' page and the members' fragments are stored with them (and with the items they
load), so a write that changes one retires them (``core.pagecache``). ``member_tags(user)``
adds tags of the member's own (their read markers, ``pagecache.reads_label``).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HomeBlock:
    """One block of the home page (see the module's docstring)."""

    key: str
    template: str
    context: Callable[[Any], dict | None] | None = None
    order: int = 100
    tags: tuple[str, ...] = field(default_factory=tuple)
    member_tags: Callable[[Any], Iterable[str]] | None = None
    #: ``"main"``: in the page (for a member, the side column of their cached fragment);
    #: ``"top"``: a member's own block above their feed, outside that fragment, because it
    #: changes with what they do elsewhere (the composer and its daily allowance, the
    #: first-week checklist): read at each request (at most a query or two, members only), or
    #: a fragment of its own with ``fragment``.
    place: str = "main"
    #: A ``"top"`` block cached per member: ``fragment(user)`` returns what its key needs
    #: beyond the member and the language (no query; see the module's docstring).
    fragment: Callable[[Any], tuple] | None = None


#: Where each block goes on the page (smaller first).
ORDER = {
    # Above a member's feed ("top"): the first-week checklist, then the composer.
    "checklist": 1,
    "composer": 2,
    # A member's own first ("My next events", "My groups"): members only.
    "my_events": 4,
    "my_groups": 6,
    "news": 10,
    "agenda": 20,
    "consultations": 30,
    "groups": 40,
    "join": 50,
    "directory": 60,
}


class HomeBlockRegistry:
    """The blocks of the home page, registered by the apps that fill them."""

    def __init__(self):
        self._blocks: dict[str, HomeBlock] = {}

    def __repr__(self):
        return f"<HomeBlockRegistry: {', '.join(self._blocks)}>"

    def __contains__(self, key):
        return key in self._blocks

    def __len__(self):
        return len(self._blocks)

    def register(self, block):
        """Add ``block`` (replacing a block with the same key) and return it."""
        if not isinstance(block, HomeBlock):
            raise TypeError(f"Register a HomeBlock, not {type(block).__name__}.")
        self._blocks[block.key] = block
        return block

    def unregister(self, key):
        """Remove the block ``key`` (no error when it is not there)."""
        self._blocks.pop(key, None)

    def blocks(self, place="main"):
        """The registered blocks of ``place`` (see ``HomeBlock.place``), in page order."""
        return sorted(
            (block for block in self._blocks.values() if block.place == place),
            key=lambda block: (block.order, block.key),
        )

    def tags(self):
        """The collections the blocks list (the page's page-cache tags)."""
        return tuple(dict.fromkeys(tag for block in self.blocks() for tag in block.tags))

    def member_tags(self, user):
        """The tags of ``user``'s own that the blocks depend on (read markers...)."""
        tags = []
        for block in self.blocks():
            if block.member_tags is not None:
                tags.extend(block.member_tags(user))
        return tuple(dict.fromkeys(tags))


#: The registry of the home page's blocks.
home_blocks = HomeBlockRegistry()


def _visitors_only(user):
    return None if user.is_authenticated else {}


def _first_week_checklist(user):
    from .onboarding import checklist

    steps = checklist(user) if user.is_authenticated else None
    return {"checklist": steps} if steps else None


# The first-week checklist, for new members: core's own block (its steps are the apps').
home_blocks.register(
    HomeBlock(
        key="checklist",
        template="core/_home_checklist.html",
        context=_first_week_checklist,
        order=ORDER["checklist"],
        place="top",
    )
)

# The invitation to join, for visitors: core's own block.
home_blocks.register(
    HomeBlock(
        key="join",
        template="core/_home_join.html",
        context=_visitors_only,
        order=ORDER["join"],
    )
)
