"""Visitors' pages from Redis: whole responses cached per URL and language, invalidated by writes.

Most requests at the scale of a département are visitors reading public pages: the agenda, an
event, a group's discussions, the directory. ``public_page(*apps)`` wraps such a view: a
request without a session (no member, no pending message, no API token) is answered from the
cache when the page is there, else the view runs and its response is stored.

Invalidation is explicit and automatic: every ``INSERT``, ``UPDATE`` or ``DELETE`` that goes
through Django's database connection (``save()``, ``delete()``, ``QuerySet.update()``,
``bulk_create()``, raw SQL through the ORM's cursor) on a table of app ``X`` bumps the generation
of ``X``, once at once and once again when the transaction commits (a visitor reading in
between stored the old page under the new generation: the second bump retires it). A page's
key holds the generations of the apps it declares, so the next visitor after a write gets a
fresh page. Tables whose writes no visitor page shows (read markers, sessions...) are in
``IGNORED_TABLES``. What no write reveals — time passing ("upcoming" becomes "past"), a
member's new display name on a page that does not declare ``accounts`` — shows within
``PARVIS_PAGE_CACHE_SECONDS`` (60 s by default; 0 turns the cache off).

Per-request values are never stored: the page is rendered with placeholders for the CSRF
token and the CSP nonce (``core.context_processors.csrf`` / ``csp``), and each response, hit
or miss, gets this request's own (which also sets the CSRF cookie and the CSP header as
usual). Only ``200`` responses without cookies of their own are stored.
"""

import functools
import hashlib
import logging
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response

from .routers import primary_reads

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "parvis-pagecache-csrf-5e0b7d"
NONCE_PLACEHOLDER = "parvis-pagecache-nonce-5e0b7d"
#: Writes to these tables change nothing a visitor's page shows.
IGNORED_TABLES = frozenset(
    {
        "groups_threadread",  # a member's read markers
        "django_session",
        "usersessions_usersession",
    }
)
#: Nor do writes to these apps' tables: notifications and their e-mail outbox (written for
#: every e-mail sent: the daily digest would bump for nothing), personal-data exports, the
#: admin's log, sessions.
IGNORED_APPS = frozenset({"notifications", "privacy", "admin", "sessions", "usersessions"})
#: A page past its time is served for up to this long more while one request renders it anew
#: (never after a write: a write changes the key).
RENEW_SECONDS = 30
#: The request attribute telling the context processors to render placeholders.
RENDERING = "_parvis_pagecache_rendering"
GENERATION_KEY = "pagecache:gen:{}"
#: Tells whether a visitor's page came from the cache ("hit") or was rendered and stored
#: ("miss"): the benchmark's hit rate, and a hint when reading a page's headers.
STATUS_HEADER = "X-Page-Cache"
PAGE_KEY = "pagecache:page:{}"
#: Response headers kept with a stored page (the rest are the middlewares' business).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "Cache-Control",
    "Vary",
    "Link",
    "Allow",
)
#: Apps nearly every page shows something of: moderation (what is hidden), the territories,
#: the organisations. Every cached page depends on them as well as on the apps it names.
ALWAYS = ("moderation", "territories", "organisations")
#: ``UPDATE``s that change nothing visible: a member's last login (written at each log-in).
IGNORED_UPDATES = ('UPDATE "accounts_user" SET "last_login" = %s WHERE',)

_tables = None
_tables_lock = threading.Lock()


def _table_apps():
    """``{db_table: app_label}`` of every installed model (built once)."""
    global _tables
    if _tables is None:
        with _tables_lock:
            mapping = {}
            for model in apps.get_models(include_auto_created=True):
                table = model._meta.db_table
                if table not in IGNORED_TABLES and model._meta.app_label not in IGNORED_APPS:
                    mapping[table] = model._meta.app_label
            _tables = mapping
    return _tables


# --- generations -------------------------------------------------------------------------------


def generations(app_labels) -> dict:
    """The current generation of each app (one cache read); an app never written since the
    cache started gets a fresh, never-used value (a lost key must not bring old pages back)."""
    keys = [GENERATION_KEY.format(label) for label in app_labels]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), timeout=None)
            found[key] = cache.get(key)
    return {label: found[GENERATION_KEY.format(label)] for label in app_labels}


def bump(app_labels) -> None:
    """Retire every stored page that shows something of these apps."""
    for label in app_labels:
        key = GENERATION_KEY.format(label)
        try:
            cache.incr(key)
        except ValueError:  # never read yet: any fresh value will do
            cache.add(key, time.time_ns(), timeout=None)


class _BumpAtCommit:
    """The ``on_commit`` callback bumping one app (one per app and transaction)."""

    def __init__(self, label):
        self.label = label

    def __call__(self):
        bump([self.label])


def _bump_at_commit(connection, label):
    """Register the commit-time bump of ``label`` unless this transaction has it already (a
    rolled-back transaction or savepoint drops its callbacks: they are registered again)."""
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _BumpAtCommit) and callback.label == label:
            return
    transaction.on_commit(_BumpAtCommit(label), using=connection.alias, robust=True)


WRITES = ("INSERT", "UPDATE", "DELETE")


def _written_table(sql):
    """The table an ``INSERT``/``UPDATE``/``DELETE`` statement writes, or ``None``."""
    head = sql.lstrip()[:7].upper()
    if not head.startswith(WRITES) or sql.startswith(IGNORED_UPDATES):
        return None
    words = sql.split(None, 3)
    if len(words) < 2:
        return None
    table = words[2] if words[0].upper() in ("INSERT", "DELETE") and len(words) > 2 else words[1]
    return table.strip('"`[]').split("(")[0].strip('"`[]')


def retire(label, connection) -> None:
    """Bump ``label`` now and again when ``connection``'s transaction commits (a page read in
    between, before the write was visible, is retired by the second bump). Never fails: a
    cache that is down must not fail the write."""
    try:
        bump([label])
    except Exception:  # noqa: BLE001
        return
    if connection.in_atomic_block:
        _bump_at_commit(connection, label)


class WriteObserver:
    """A database execute wrapper: retires the pages of the app a statement wrote."""

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        table = _written_table(sql) if isinstance(sql, str) else None
        label = table and _table_apps().get(table)
        if label and enabled():
            retire(label, context["connection"])
        return result


_observer = WriteObserver()


def observe(connection, **kwargs):
    """``connection_created``: watch this connection's writes (once per wrapper)."""
    if _observer not in connection.execute_wrappers:
        connection.execute_wrappers.append(_observer)


def install():
    """Called by ``CoreConfig.ready``."""
    connection_created.connect(observe, dispatch_uid="parvis-pagecache")


def invalidate(label, using="default") -> None:
    """Retire ``label``'s pages and fragments, for the generations no table maps to (e.g. one
    member's read markers, ``reads_label``)."""
    from django.db import connections

    retire(label, connections[using])


def reads_label(user_id) -> str:
    """The generation of one member's read markers (``groups.services.thread_mark_read``)."""
    return f"reads:{user_id}"


FRAGMENT_KEY = "pagecache:fragment:{}"


def _usable(key, stored) -> bool:
    """Whether to serve ``stored`` (``(value, fresh_until)``): it is fresh, or past its time
    while another request renders it anew (a stampede on an expired entry gets the last copy
    meanwhile; the caller that gets ``False`` renders it)."""
    if stored is None:
        return False
    return time.time() < stored[1] or not cache.add(key + ":renewing", 1, RENEW_SECONDS)


def _store(key, value, seconds) -> None:
    """Keep ``value`` fresh for ``seconds``, and ``RENEW_SECONDS`` more for ``_usable``."""
    try:
        cache.set(key, (value, time.time() + seconds), seconds + RENEW_SECONDS)
        cache.delete(key + ":renewing")
    except Exception:  # noqa: BLE001 - not stored: served all the same
        logger.warning("Page cache unavailable: %s not stored.", key)


def fragment(parts, render):
    """A template fragment (``render()``'s HTML) cached under ``parts``, which must hold the
    fragment's version (``fragment_version``). ``render()`` every time when the cache is off."""
    if not enabled():
        return render()
    key = FRAGMENT_KEY.format(hashlib.sha256(repr(parts).encode()).hexdigest())
    try:
        stored = cache.get(key)
        if _usable(key, stored):
            return stored[0]
    except Exception:  # noqa: BLE001 - no cache: render
        return render()
    html = render()
    _store(key, html, settings.PARVIS_PAGE_CACHE_SECONDS)
    return html


def fragment_version(app_labels) -> str:
    """A short string that changes whenever one of ``app_labels`` (or ``ALWAYS``) is written:
    the version part of a fragment's key (one cache read). Empty when the cache is off or
    unreachable (``fragment`` then renders every time)."""
    if not enabled():
        return ""
    labels = tuple(dict.fromkeys(tuple(app_labels) + ALWAYS))
    try:
        found = generations(labels)
    except Exception:  # noqa: BLE001
        return ""
    return hashlib.blake2b(
        repr([(label, found[label]) for label in sorted(labels)]).encode(), digest_size=8
    ).hexdigest()


# --- pages -------------------------------------------------------------------------------------


def enabled() -> bool:
    """On with a shared in-memory cache (Redis); off when ``PARVIS_PAGE_CACHE_SECONDS`` is 0
    or the cache is the database (the embedded first run: it would cost queries)."""
    return bool(settings.PARVIS_PAGE_CACHE_SECONDS) and not isinstance(
        caches["default"], BaseDatabaseCache
    )


def cacheable_request(request) -> bool:
    """A visitor's ``GET`` with nothing of their own: no session (so no member and no
    messages), no messages cookie, no API credentials."""
    if request.method not in ("GET", "HEAD") or not enabled():
        return False
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def page_key(request, app_labels) -> str:
    parts = [
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else "",
    ]
    parts += [f"{label}={gen}" for label, gen in sorted(generations(app_labels).items())]
    return PAGE_KEY.format(hashlib.sha256("\n".join(parts).encode()).hexdigest())


def _has_placeholders(content: bytes) -> bool:
    return CSRF_PLACEHOLDER.encode() in content or NONCE_PLACEHOLDER.encode() in content


def _personalise(request, content: bytes) -> bytes:
    """Put this request's CSRF token and CSP nonce where the placeholders are."""
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    if NONCE_PLACEHOLDER.encode() in content:
        nonce = get_nonce(request)
        content = content.replace(NONCE_PLACEHOLDER.encode(), str(nonce).encode())
    return content


def _response(request, status, headers, content, streaming=False):
    etag = dict(headers).get("ETag")
    if etag:  # a feed or an API answer polled again: "304 Not Modified" when unchanged
        response = get_conditional_response(request, etag=etag)
        if response is not None:
            return response
    if streaming:  # a feed: no placeholder in it, and it stays a stream for its callers
        response = StreamingHttpResponse([content], status=status)
    else:
        response = HttpResponse(_personalise(request, content), status=status)
    for name, value in headers:
        response[name] = value
    return response


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    )


def serve(request, app_labels, render, *, timeout=None, refuse=None):
    """The page for ``request``: from the cache when it is a visitor's and the page is there
    (unless ``refuse(request)`` answers otherwise first: e.g. the API's rate limit), else
    ``render()``'s response, stored for the next visitor (see the module doc)."""
    if not cacheable_request(request):
        return render()
    app_labels = tuple(dict.fromkeys(tuple(app_labels) + ALWAYS))
    try:
        key = page_key(request, app_labels)
        stored = cache.get(key)
        usable = _usable(key, stored)
    except Exception:  # noqa: BLE001 - no cache: serve the page as usual
        return render()
    if usable:
        refused = refuse(request) if refuse else None
        if refused is not None:
            return refused
        response = _response(request, *stored[0])
        response[STATUS_HEADER] = "hit"
        return response
    setattr(request, RENDERING, True)
    # A page to store is read from the primary, never a read replica: one rendered from a
    # replica still behind the write that retired the old page would be stored under the new
    # generation (core.routers).
    with primary_reads():
        try:
            response = render()
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        finally:
            setattr(request, RENDERING, False)
        if not _storable(response):
            if not response.streaming:
                response.content = _personalise(request, response.content)
            return response
        content = b"".join(response.streaming_content) if response.streaming else response.content
    headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
    if not _has_placeholders(content):
        # The same bytes for everyone (feeds, the API): an ETag lets clients poll cheaply.
        digest = hashlib.blake2b(content, digest_size=16).hexdigest()
        headers.append(("ETag", f'"{digest}"'))
    page = (response.status_code, headers, content, response.streaming)
    _store(key, page, timeout or settings.PARVIS_PAGE_CACHE_SECONDS)
    response = _response(request, response.status_code, headers, content, response.streaming)
    response[STATUS_HEADER] = "miss"
    return response


def public_page(*app_labels, timeout=None):
    """Decorate a view whose page shows content of ``app_labels`` (see the module doc)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            return serve(
                request,
                app_labels,
                lambda: view(request, *args, **kwargs),
                timeout=timeout,
            )

        return wrapped

    return decorator
