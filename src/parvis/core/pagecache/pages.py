"""Visitors' pages and members' fragments from Redis, stored with the tags they show.

``public_page(*tags, params=...)`` wraps a view: a request without a session (no member, no
pending message, no API token) is answered from the cache when the page is there and none of
its tags was retired since it was rendered; else the view runs and its response is stored.

A page's tags are (1) the ones its view declares (the collections it lists, e.g.
``"agenda.event"`` or ``"groups.message@thread:{pk}"``, formatted with the view's arguments),
(2) every item it loaded while it was rendered (``agenda.event:42``, the organisation and the
member shown beside it...: recorded from Django's ``post_init``) with its model's ``@*`` tag,
and (3) ``ALWAYS``. The stored page keeps the value of each tag; a hit is a page whose values
all still hold (one cache read of the page, one of its tags). Writes retire tags
(``writes.py``); what no write reveals (time passing) shows within ``PARVIS_PAGE_CACHE_SECONDS``.

Keys are bounded: the query string is reduced to the parameters the view declares
(``params``), and the view renders with that reduced query string, so junk parameters neither
create entries nor reach the page; a page over ``PARVIS_PAGE_CACHE_MAX_BYTES`` is not stored.

Per-request values are never stored: the page is rendered with placeholders for the CSRF token,
the CSP nonce (``core.context_processors``) and one-time form tokens (``{% form_token %}``), and
each response gets this request's own.
The placeholders are secret and new for each render (a part derived from ``SECRET_KEY``, a
random part), stored with the page: no one can write them into content beforehand, so nothing
is ever substituted inside what members wrote. Only ``200`` responses without cookies of their
own are stored.
"""

import contextvars
import datetime as dt
import functools
import hashlib
import logging
import time
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response

from ..routers import primary_reads
from . import local, schedule
from . import tags as tagging
from .personal import (
    RENDERING,
    has_placeholders,
    personalise,
    placeholders,
)
from .schedule import UNTIL
from .writes import retired_count, tag_values

logger = logging.getLogger("parvis.core.pagecache")

#: A page past its time is served for up to this long more while one request renders it anew.
RENEW_SECONDS = 30
#: A visitor's page retired by a write is served while one request renders it anew, for this
#: long at most (a render that fails or is not stored lets the next request render). Never a
#: fragment: a member's page shows what they just wrote.
RETIRED_RENEW_SECONDS = 5
#: A page whose tags were retired this close to (or after) the start of its rendering may
#: show data older than the write: it is served, not stored (clocks of app servers differ).
SKEW_NS = 50_000_000
#: What ``serve`` does with a visitor's stored page (``_page_state``).
HIT, STALE, RENEW, MISS = "hit", "stale", "renew", "miss"
#: The request attribute telling that the view runs to renew a page served stale, after its
#: response was sent (``_renew``).
RENEWAL = "page_cache_renewal"
#: v2: pages stored with their own placeholders; v3: with the form token's too; v4: with the
#: instant they were rendered (a process of the previous release, during an upgrade, reads
#: only its own).
PAGE_KEY = "pagecache:page:v4:{}"
#: Fragments and pages showing relative times ("active 5 minutes ago") are kept this long at
#: most, whatever ``PARVIS_PAGE_CACHE_SECONDS``.
RELATIVE_SECONDS = 60
#: Tells whether a visitor's page came from the cache ("hit"), came from it though a write
#: retired it or its time passed, while it is rendered anew ("stale"), or was rendered ("miss").
STATUS_HEADER = "X-Page-Cache"
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

_collector = contextvars.ContextVar("parvis_pagecache_collector", default=None)


# --- what a render shows -----------------------------------------------------------------------


_times = {}


def _times_of(model) -> tuple:
    """The attributes of ``model`` holding instants its items' pages change at."""
    try:
        return _times[model]
    except KeyError:
        declaration = tagging.for_model(model)
        result = _times[model] = declaration.times if declaration is not None else ()
        return result


def _loaded(sender, instance, **kwargs):
    """``post_init``: remember the items a page or fragment being rendered loads, and the
    instants they change at (a date's start and end...)."""
    found = _collector.get()
    if found is not None and instance.pk is not None:
        found.add((sender, instance.pk))
        times = _times_of(sender)
        if times:
            values = instance.__dict__  # never a deferred field's query
            for attname in times:
                value = values.get(attname)
                if isinstance(value, dt.datetime):
                    found.add((UNTIL, value.timestamp()))


@contextmanager
def collecting():
    """Collect the tags of the items loaded inside the block (nested blocks add to the
    enclosing one too)."""
    outer = _collector.get()
    found = set()
    token = _collector.set(found)
    try:
        yield found
    finally:
        _collector.reset(token)
        if outer is not None:
            outer |= found


def loaded_tags(found) -> set:
    """The tags of the items in ``found`` (``collecting``), each with its model's ``@*``."""
    result = set()
    for model, pk in found:
        declaration = tagging.for_model(model)
        if declaration is not None and declaration.collect and not declaration.silent:
            result.add(tagging.item(declaration.label, pk))
            result.add(tagging.bulk(declaration.label))
    return result


def recording() -> bool:
    """Whether a page or fragment is being rendered for the cache (``depends_on`` records)."""
    return _collector.get() is not None


def depends_on(*tag_list) -> None:
    """Declare, from inside a render, tags the page or fragment shows beyond what it loads
    (e.g. a count read with ``.count()``)."""
    found = _collector.get()
    if found is not None:
        found.update(("tag", tag) for tag in tag_list)


def _known_before(declared) -> tuple:
    """What is known before rendering: the values of the declared tags and ``ALWAYS`` (a
    write to one of them while the page renders changes its value), and the count of
    retirements (a render during which it did not move saw no write at all)."""
    return tag_values(set(declared) | set(tagging.ALWAYS)), retired_count()


def _tags_of(before, found) -> set:
    extra = {pk for model, pk in found if model == "tag"}
    items = {(model, pk) for model, pk in found if model != "tag" and model != UNTIL}
    return set(before[0]) | extra | loaded_tags(items)


# --- storing -----------------------------------------------------------------------------------


def enabled() -> bool:
    """Whether the cache holds anything: on with a shared in-memory cache (Redis), off when
    both ``PARVIS_PAGE_CACHE_SECONDS`` and ``PARVIS_FRAGMENT_CACHE_SECONDS`` are 0 or the cache
    is the database (the embedded first run: it would cost queries). Writes retire tags then."""
    return fragments_enabled() or pages_enabled()


def fragments_enabled() -> bool:
    """Whether fragments (parts of pages, search answers) are reused between renders."""
    return bool(settings.PARVIS_FRAGMENT_CACHE_SECONDS) and _shared()


def pages_enabled() -> bool:
    """Whether visitors' whole pages are stored and served."""
    return bool(settings.PARVIS_PAGE_CACHE_SECONDS) and _shared()


def _shared() -> bool:
    return not isinstance(caches["default"], BaseDatabaseCache)


def _holds(stored_tags, current=None) -> bool:
    """Whether none of a stored entry's tags was retired since it was rendered (``current``:
    the tags' values when already read)."""
    if not stored_tags:
        return True
    if current is None:
        current = tag_values([tag for tag, _value in stored_tags])
    differing = [tag for tag, value in stored_tags if current.get(tag) != value]
    if differing and local.sync():  # remembered values: those differing are read again
        current = {**current, **tag_values(differing, fresh=True)}
        differing = [tag for tag, value in stored_tags if current.get(tag) != value]
    return not differing


def _well_formed(stored) -> bool:
    return isinstance(stored, tuple) and len(stored) == 5


def _usable(key, stored, current=None) -> bool:
    """Whether to serve the fragment ``stored`` (``(value, fresh_until, tags, changes_at,
    rendered_at)``): its tags hold, the instant its content changes by itself (``deadline``)
    has not come, and it is fresh or past its time while another request renders it anew (the
    caller that gets ``False`` renders it)."""
    if not _well_formed(stored):
        return False
    now = time.time()
    if now >= stored[3] or not _holds(stored[2], current):
        return False
    return now < stored[1] or not cache.add(key + ":renewing", 1, RENEW_SECONDS)


def _page_state(key, stored) -> str:
    """What to do with a visitor's stored page: serve it (``HIT``); serve it though a write
    retired it or its time passed (``STALE``: another request renders it anew, or it is
    younger than ``PARVIS_PAGE_CACHE_STALE_SECONDS``); serve it so and render it anew once the
    response is sent (``RENEW``); or render it now (``MISS``: none stored, or the instant its
    content changes by itself came). What moderation, a territory or a clearing retired
    (``ALWAYS``) must show at once, as without stale seconds: the request that takes the
    renewal renders it now (``MISS``), the others get the stored page while it renders."""
    if not _well_formed(stored):
        return MISS
    now = time.time()
    if now >= stored[3]:
        return MISS
    current = tag_values([tag for tag, _value in stored[2]])
    if _holds(stored[2], current):
        return HIT if now < stored[1] else _renewal(key, RENEW_SECONDS)
    if any(current.get(tag) != value for tag, value in stored[2] if tag in tagging.ALWAYS):
        # Shown at once: the first request renders it now; the others, for that render's time
        # only, get the stored page rather than all rendering it.
        return MISS if cache.add(key + ":renewing", 1, RETIRED_RENEW_SECONDS) else STALE
    if now < stored[4] + settings.PARVIS_PAGE_CACHE_STALE_SECONDS:
        return STALE
    return _renewal(key, RETIRED_RENEW_SECONDS)


def _renewal(key, seconds) -> str:
    """``RENEW`` (or ``MISS`` without stale seconds) for the request that takes the renewal
    mark (``seconds`` at most), ``STALE`` for the others."""
    if not cache.add(key + ":renewing", 1, seconds):
        return STALE
    return RENEW if settings.PARVIS_PAGE_CACHE_STALE_SECONDS else MISS


def _moved(values, before, started) -> bool:
    """Whether a tag may have been retired while the page rendered: none if no retirement
    happened at all; else a tag known before that changed, or one found while rendering that
    was retired since it started (give or take the app servers' clock differences)."""
    known, count = before
    if count is not None and retired_count() == count:
        return any(value != known[tag] for tag, value in values.items() if tag in known)
    for tag, value in values.items():
        if tag in known:
            if value != known[tag]:
                return True
        elif value is None or value >= started - SKEW_NS:
            return True
    return False


def _store(key, value, found, before, started, seconds, *, moved_renews=False) -> tuple | None:
    """Keep ``value`` for ``seconds`` (and ``RENEW_SECONDS`` more for ``_usable``) with the
    values of its tags, unless one of them moved while it was rendered; never past the instant
    it changes by itself (``deadline``: it is not served at all from then on). The entry
    kept, or ``None``.

    With ``moved_renews`` (a visitor's page), one whose tags moved is kept as already past its
    time: served only while another request renders it anew, so that a page written to more
    often than it renders is still served, never older than the render before."""
    try:
        tags = _tags_of(before, found)
        values = tag_values(tags)
        stale = _moved(values, before, started)
        if stale and not moved_renews:
            return None
        now = time.time()
        changes_at = schedule.changes_at(found, tags, started / 1e9)
        if changes_at - now < 1:
            return None
        stored_tags = tuple(sorted(values.items()))
        if changes_at < now + seconds:  # not served past it, even while renewed
            fresh_until, timeout = changes_at, changes_at - now
        else:
            fresh_until, timeout, changes_at = now + seconds, seconds + RENEW_SECONDS, float("inf")
        if stale:
            fresh_until = 0.0
        entry = (value, fresh_until, stored_tags, changes_at, started / 1e9)
        cache.set(key, entry, max(1, int(timeout)))
        cache.delete(key + ":renewing")
        return entry
    except Exception:  # noqa: BLE001 - not stored: served all the same
        logger.warning("Page cache unavailable: %s not stored.", key)
        return None


# --- pages -------------------------------------------------------------------------------------


def cacheable_request(request) -> bool:
    """A visitor's ``GET`` with nothing of their own: no session (so no member and no
    messages), no messages cookie, no API credentials."""
    if request.method not in ("GET", "HEAD") or not pages_enabled():
        return False
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def reduced_query(request, params) -> QueryDict:
    """``request.GET`` with only the parameters in ``params`` (all of them when ``None``), in
    their order (the page's links keep it)."""
    query = QueryDict(mutable=True)
    for name in request.GET:
        if params is None or name in params:
            query.setlist(name, request.GET.getlist(name))
    query._mutable = False
    return query


def page_key(request, query) -> str:
    parts = [
        request.path,
        "&".join(sorted(query.urlencode().split("&"))),  # one page whatever their order
        getattr(request, "LANGUAGE_CODE", ""),
        request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else "",
    ]
    return PAGE_KEY.format(hashlib.sha256("\n".join(parts).encode()).hexdigest())


def _response(request, status, headers, content, streaming=False, marks=None):
    etag = dict(headers).get("ETag")
    if etag:  # a feed or an API answer polled again: "304 Not Modified" when unchanged
        response = get_conditional_response(request, etag=etag)
        if response is not None:
            return response
    if streaming:  # a feed: no placeholder in it, and it stays a stream for its callers
        response = StreamingHttpResponse([content], status=status)
    else:
        response = HttpResponse(personalise(request, content, marks), status=status)
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


@contextmanager
def _rendering(request, query, marks):
    """Render with the placeholders ``marks`` and with the reduced query string only."""
    saved = request.GET, request.META.get("QUERY_STRING", "")
    request.GET, request.META["QUERY_STRING"] = query, query.urlencode()
    setattr(request, RENDERING, marks)
    try:
        yield
    finally:
        request.GET, request.META["QUERY_STRING"] = saved
        setattr(request, RENDERING, None)


def serve(request, declared, render, *, params=None, timeout=None, refuse=None):
    """The page for ``request``: from the cache when it is a visitor's and the page is there
    and still holds, or may still be served while it is rendered anew (``_page_state``; unless
    ``refuse(request)`` answers otherwise first: e.g. the API's rate limit), else ``render()``'s
    response, stored for the next visitor (see the module doc)."""
    if not cacheable_request(request):
        return render()
    query = reduced_query(request, params)
    try:
        key = page_key(request, query)
        stored = local.get(key)  # with this request's read of the retirements
        state = _page_state(key, stored)
    except Exception:  # noqa: BLE001 - no cache: serve the page as usual
        return render()
    if state == MISS:
        return _render_page(request, key, query, declared, render, timeout)
    refused = refuse(request) if refuse else None
    if refused is not None:
        if state == RENEW:
            _renewed(key)
        return refused
    response = _response(request, *stored[0])
    response[STATUS_HEADER] = HIT if state == HIT else STALE
    if state == RENEW:
        # Rendered once the response is sent: Django's response closers run after the
        # server wrote its last byte (WSGI's ``close()``), so this visitor does not wait.
        renew = functools.partial(_renew, request, key, query, declared, render, timeout)
        response._resource_closers.append(renew)
    return response


def _render_page(request, key, query, declared, render, timeout):
    """Render the page and store it for the next visitors: the response for ``request``."""
    try:
        started = time.time_ns()
        before = _known_before(declared)
    except Exception:  # noqa: BLE001 - no cache: serve the page as usual
        return render()
    # A page to store is read from the primary, never a read replica: one rendered from a
    # replica still behind a write would be stored as if it were fresh (core.routers).
    marks = placeholders()
    with primary_reads(), collecting() as found:
        with _rendering(request, query, marks):
            response = render()
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        if not _storable(response) and len(query) != len(request.GET):
            # Not stored (a redirect keeping the query string, an error...): what the request
            # asked for, undeclared parameters included.
            response = render()
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        if not _storable(response):
            _renewed(key)
            if not response.streaming:
                response.content = personalise(request, response.content, marks)
            return response
        content = b"".join(response.streaming_content) if response.streaming else response.content
    headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
    if not has_placeholders(content, marks):
        # The same bytes for everyone (feeds, the API): an ETag lets clients poll cheaply.
        digest = hashlib.blake2b(content, digest_size=16).hexdigest()
        headers.append(("ETag", f'"{digest}"'))
    page = (response.status_code, headers, content, response.streaming, marks)
    if len(content) <= settings.PARVIS_PAGE_CACHE_MAX_BYTES:
        seconds = timeout or settings.PARVIS_PAGE_CACHE_SECONDS
        if not _store(key, page, found, before, started, seconds, moved_renews=True):
            _renewed(key)
    else:
        _renewed(key)
    response = _response(request, response.status_code, headers, content, response.streaming, marks)
    response[STATUS_HEADER] = MISS
    return response


def _renew(request, key, query, declared, render, timeout) -> None:
    """Render a page served stale anew, after its response was sent (``serve``). The request
    carries ``RENEWAL`` meanwhile (the API does not count it against the rate limit twice)."""
    language = getattr(request, "LANGUAGE_CODE", None)
    setattr(request, RENEWAL, True)
    try:
        with translation.override(language) if language else nullcontext():
            _render_page(request, key, query, declared, render, timeout)
    except Exception:  # noqa: BLE001 - the visitor has their page; the next request renders
        logger.exception("Page cache: %s not rendered anew.", request.path)
        _renewed(key)
    finally:
        setattr(request, RENEWAL, False)


def _renewed(key) -> None:
    """A render that was not stored: the next request renders again instead of waiting for
    the renewal's time to pass (``_usable``)."""
    try:
        cache.delete(key + ":renewing")
    except Exception:  # noqa: BLE001 - it ends with its time
        logger.warning("Page cache unavailable: %s renewal not released.", key)


def declared_tags(tag_templates, kwargs) -> tuple:
    """The view's declared tags, with ``{name}`` replaced by the view's arguments."""
    return tuple(tag.format(**kwargs) if "{" in tag else tag for tag in tag_templates)


def public_page(*tag_templates, params=(), dynamic=False, timeout=None):
    """Decorate a view whose page shows the collections ``tag_templates`` and reads the query
    parameters ``params`` (an iterable, or a function returning one when they are only known
    once the apps are loaded; see the module doc). ``dynamic``: the view names what it shows
    while it renders (``depends_on``), e.g. a page found by slug that lists its item's own."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            return serve(
                request,
                declared_tags(tag_templates, kwargs),
                lambda: view(request, *args, **kwargs),
                params=frozenset(params() if callable(params) else params),
                timeout=timeout,
            )

        wrapped.page_cache = {"tags": tag_templates, "params": params, "dynamic": dynamic}
        return wrapped

    return decorator
