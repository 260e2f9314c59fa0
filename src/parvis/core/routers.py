"""Read replicas: lag-tolerant public reads from a PostgreSQL standby, everything else on the
primary.

With ``DATABASE_REPLICA_URL`` set, settings add a ``"replica"`` database, ``ReplicaRouter`` and
``ReplicaPinMiddleware``. Nothing goes to the replica by default: a read goes there only

- inside ``reading_from_replica()`` — which ``@replica_reads`` opens around a few public,
  read-heavy views (agenda lists and feeds, directory, groups list and search, news feed, the
  API's event list) — and
- when it is safe to read slightly old data:

  * the request has written nothing yet (``db_for_write`` was never asked in it, but for
    ``PRIMARY_ONLY_APPS``: a session's bookkeeping does not count) and the
    primary is not inside a transaction (``in_atomic_block``): a read after a write in the
    same request, or inside ``transaction.atomic()``, stays on the primary;
  * the client wrote nothing in the last ``PARVIS_REPLICA_PIN_SECONDS`` (10 s): any ``POST``
    (or other unsafe method) that wrote sets the short-lived ``parvis_primary`` cookie, and a
    request carrying it reads the primary. A member who posts a message and is redirected to
    the thread sees it whatever the replica's lag (the thread page is not routed anyway);
  * the page is not being rendered for the page cache (``core.pagecache``): a page rendered
    from a lagging replica just after a write would be stored under the new generation and
    shown for ``PARVIS_PAGE_CACHE_SECONDS``, so the cache fills from the primary
    (``primary_reads()``);
  * the model is not one of ``PRIMARY_ONLY_APPS`` (sessions, log-in, tokens, MFA...).

Writes, migrations and relations: writes always go to the primary; migrations run only on
the primary (a physical standby is read-only and receives them by replication); objects from
either alias may be related (same data).

If the replica fails (down, or a query cancelled by a conflict with recovery), a routed view
is run again on the primary — it only reads — and, when the replica connection is unusable,
the process leaves the replica alone for ``RETRY_SECONDS``. See docs/deployment.md,
"Read replicas".
"""

import contextlib
import functools
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "parvis_primary"
ROUTER = "parvis.core.routers.ReplicaRouter"
#: Apps never read from the replica: what log-in, sessions and security read right after
#: writing it.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "usersessions", "account", "mfa", "socialaccount", "admin", "contenttypes"}
)
#: After a failure of the replica connection, this process reads the primary for so long.
RETRY_SECONDS = 30
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class _Reads:
    replica: bool = False  # inside reading_from_replica()
    primary: bool = False  # inside primary_reads(): wins over replica
    wrote: bool = False  # db_for_write was asked since the request began
    used_replica: bool = False  # a read was routed to the replica


_state: ContextVar[_Reads | None] = ContextVar("parvis_replica_reads", default=None)
_replica_down_until = 0.0


def replica_configured() -> bool:
    """A ``replica`` database and this router in ``DATABASE_ROUTERS``."""
    return REPLICA in connections.settings and ROUTER in settings.DATABASE_ROUTERS


def _replica_available() -> bool:
    return replica_configured() and time.monotonic() >= _replica_down_until


@contextlib.contextmanager
def _flag(name):
    state = _state.get()
    token = None
    if state is None:
        state = _Reads()
        token = _state.set(state)
    previous = getattr(state, name)
    setattr(state, name, True)
    try:
        yield state
    finally:
        setattr(state, name, previous)
        if token is not None:
            _state.reset(token)


def reading_from_replica():
    """Reads in this block may go to the replica (see the module doc for when they do not)."""
    return _flag("replica")


def primary_reads():
    """Reads in this block go to the primary, even inside ``reading_from_replica()``."""
    return _flag("primary")


def replica_reads(view):
    """Decorate a public, lag-tolerant, read-only view: its reads go to the replica when
    configured, unless the client wrote in the last ``PARVIS_REPLICA_PIN_SECONDS``. The
    response is rendered (or, streamed, read) inside the block. Put it under ``public_page``
    or above it: the page cache fills from the primary either way."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not routed(request):
            return view(request, *args, **kwargs)
        return run_on_replica(lambda: view(request, *args, **kwargs))

    return wrapped


def routed(request) -> bool:
    """Whether this request may read the replica at all."""
    return (
        _replica_available()
        and request.method in ("GET", "HEAD")
        and PIN_COOKIE not in request.COOKIES
    )


def run_on_replica(render, *, finish=True):
    """``render()`` with its reads on the replica; if the replica fails, once more on the
    primary (``render`` must only read). A template response is rendered inside (not when
    ``finish`` is false: DRF's, whose data the view computed already)."""

    def run():
        response = render()
        if finish and hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        return response

    try:
        with reading_from_replica() as state:
            response = run()
    except DatabaseError:
        if not state.used_replica or state.wrote:
            raise
        _replica_failed()
        with primary_reads():
            return run()
    if getattr(response, "streaming", False):
        response.streaming_content = _streamed_from_replica(response.streaming_content)
    return response


def _streamed_from_replica(chunks):
    """A streamed response (the .ics feeds) queries while the server reads it, after the view
    returned: each chunk is produced inside the block."""
    iterator = iter(chunks)
    while True:
        with reading_from_replica():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def _replica_failed():
    """A routed view failed on the replica: if its connection is broken (server down,
    network), read the primary for ``RETRY_SECONDS`` in this process."""
    global _replica_down_until
    connection = connections[REPLICA]
    if connection.connection is None or not connection.is_usable():
        connection.close()
        _replica_down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("Read replica unusable: reading the primary for %s s.", RETRY_SECONDS)
    else:
        logger.warning("A read on the replica failed: served from the primary.")


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry (see the module doc)."""

    def db_for_read(self, model, **hints):
        state = _state.get()
        if (
            state is not None
            and state.replica
            and not state.primary
            and not state.wrote
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and _replica_available()
            and not connections[PRIMARY].in_atomic_block
        ):
            state.used_replica = True
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            state.wrote = True  # (a session's bookkeeping is never read from the replica)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaPinMiddleware:
    """One routing state per request; after an unsafe request that wrote, the client reads
    the primary for ``PARVIS_REPLICA_PIN_SECONDS`` (the ``parvis_primary`` cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = _Reads()
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote and request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.PARVIS_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
