"""The page cache: visitors' pages and members' fragments from Redis, retired by what changed.

- ``tags.py``: what a write retires, declared per model (``declare``) from the apps'
  ``content.py`` modules;
- ``writes.py``: every write statement turned into tags and retired (``retire``);
- ``pages.py``: pages (``public_page``, ``serve``) and ``fragments.py``: fragments
  (``fragment``) stored with the values of the tags they show, served while those hold;
- ``local.py``: the tags' values, fragments and cards a process remembers between requests,
  checked against the retirements once per request;
- ``personal.py``: the per-request values (CSRF token, CSP nonce, form tokens) put into each
  response in place of a render's placeholders.

See docs/performance.md ("Page cache") for the design and its measurements.
"""

from django.db.backends.signals import connection_created
from django.db.models.signals import post_init

from .fragments import fragment, fragments
from .pages import (
    RELATIVE_SECONDS,
    RENDERING,
    RENEWAL,
    STATUS_HEADER,
    declared_tags,
    depends_on,
    enabled,
    fragments_enabled,
    page_key,
    pages_enabled,
    placeholders,
    public_page,
    recording,
    serve,
)
from .tags import ALL, ALWAYS, activity, bulk, collection, declare, item, read_by, scoped
from .writes import WriteObserver, bump, retire, statement_tags, tag_values

__all__ = [
    "ALL",
    "ALWAYS",
    "activity",
    "RELATIVE_SECONDS",
    "RENDERING",
    "RENEWAL",
    "STATUS_HEADER",
    "bulk",
    "bump",
    "collection",
    "declare",
    "declared_tags",
    "depends_on",
    "enabled",
    "fragments_enabled",
    "pages_enabled",
    "fragment",
    "fragments",
    "install",
    "invalidate",
    "item",
    "page_key",
    "placeholders",
    "public_page",
    "read_by",
    "reads_label",
    "recording",
    "retire",
    "scoped",
    "serve",
    "statement_tags",
    "tag_values",
]

_observer = WriteObserver()


def observe(connection, **kwargs):
    """``connection_created``: watch this connection's writes (once per wrapper)."""
    if _observer not in connection.execute_wrappers:
        connection.execute_wrappers.append(_observer)


def install():
    """Called by ``CoreConfig.ready``: watch writes, and record what renders load."""
    from . import checks  # noqa: F401 - registers the system check
    from .pages import _loaded

    connection_created.connect(observe, dispatch_uid="parvis-pagecache")
    post_init.connect(_loaded, dispatch_uid="parvis-pagecache-loaded")


def reads_label(user_id) -> str:
    """The tag of one member's read markers (their home's "new activity" badges)."""
    return f"reads:{user_id}"


def invalidate(tag, using="default") -> None:
    """Retire ``tag`` for what no table write reveals (e.g. one member's read markers)."""
    from django.db import connections

    retire([tag], connections[using])
