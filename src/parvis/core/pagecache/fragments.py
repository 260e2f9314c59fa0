"""Fragments: pieces of a page (a section, a home block, a member's menu) kept in the cache
with the tags they show (``fragment``, ``fragments``), as pages are (``pages.py``), and
remembered by the process that read or stored them (``local.py``): a fragment this process
remembers is served without a Redis read while its tags hold and its time has not passed."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from ..routers import primary_reads
from . import local
from .pages import (
    RELATIVE_SECONDS,
    _collector,
    _holds,
    _known_before,
    _store,
    _usable,
    _well_formed,
    collecting,
    fragments_enabled,
)
from .personal import personal_html, placeholders, placeholders_for
from .schedule import UNTIL
from .writes import tag_values

FRAGMENT_KEY = "pagecache:fragment:v2:{}"


def _reused(stored) -> None:
    """A stored fragment served inside a page or fragment being rendered: the enclosing one
    shows what it shows (its tags, the instant it changes by itself), as if rendered again."""
    found = _collector.get()
    if found is not None:
        found.update(("tag", tag) for tag, _value in stored[2])
        if stored[3] != float("inf"):
            found.add((UNTIL, stored[3]))


def fragment(parts, render, *, tags=(), seconds=RELATIVE_SECONDS, request=None):
    """A template fragment (``render()``'s HTML, or any value that pickles) cached under
    ``parts`` (what makes it differ: the member, the language...), valid while ``tags`` and the
    items it loaded are not retired, ``seconds`` at most (``PARVIS_FRAGMENT_CACHE_SECONDS`` if
    less; ``RELATIVE_SECONDS`` by default: a member's home shows relative times). ``render()``
    every time when fragments are off. Inside a page or fragment being rendered, the enclosing one
    depends on what this one shows, whether it was rendered or read from the cache.

    With ``request``, the fragment (HTML) holds per-request values (a form's CSRF token and
    one-time form token, the CSP nonce): ``render()`` runs with placeholders for them
    (``request``'s ``RENDERING``: read by ``core.context_processors.page_cache_placeholders``
    and by ``{% form_token %}``), stored with the HTML, and each use, hit or miss, gets this
    request's own values (``personalise``)."""
    if not fragments_enabled():
        return render()
    key = _fragment_key(parts)
    try:
        stored = local.entry(key)
        if not _remembered(stored):
            stored = cache.get(key)
            if not _usable(key, stored):
                stored = None
            else:
                local.keep({key: stored})
    except Exception:  # noqa: BLE001 - no cache: render
        return render()
    if stored is None:
        return _render_fragment(key, render, tags, seconds, request)
    _reused(stored)
    if request is None:
        return stored[0]
    return personal_html(request, *stored[0])


def _remembered(stored) -> bool:
    """Whether a fragment this process remembers may be served as is: its tags hold, its time
    has not passed (past it, the cache's entry tells whether another request renews it)."""
    if stored is None:
        return False
    now = time.time()
    return now < stored[1] and now < stored[3] and _holds(stored[2])


def fragments(entries, *, seconds=RELATIVE_SECONDS) -> list:
    """``[fragment(parts, render, seconds=seconds) for parts, render in entries]``, with one
    cache read of them all and one of their tags: the ones missing or retired are rendered
    (and stored) one by one."""
    if not fragments_enabled():
        return [render() for _parts, render in entries]
    keys = [_fragment_key(parts) for parts, _render in entries]
    try:
        remembered = {k: v for k, v in local.entries(keys).items() if _remembered(v)}
        missing = [key for key in keys if key not in remembered]
        stored = cache.get_many(missing) if missing else {}
        stored.update(remembered)
        tags = {tag for entry in stored.values() if _well_formed(entry) for tag, _v in entry[2]}
        current = tag_values(tags)
    except Exception:  # noqa: BLE001 - no cache: render
        return [render() for _parts, render in entries]
    values = []
    for key, (_parts, render) in zip(keys, entries, strict=True):
        entry = stored.get(key)
        if _usable(key, entry, current):
            if key not in remembered:
                local.keep({key: entry})
            _reused(entry)
            values.append(entry[0])
        else:
            values.append(_render_fragment(key, render, (), seconds))
    return values


def _fragment_key(parts) -> str:
    return FRAGMENT_KEY.format(hashlib.sha256(repr(parts).encode()).hexdigest())


def _render_fragment(key, render, tags, seconds, request=None):
    """Render a fragment missing from the cache (or retired) and store it (see ``fragment``)."""
    try:
        started = time.time_ns()
        before = _known_before(tags)
    except Exception:  # noqa: BLE001 - no cache: render
        return render()
    marks = placeholders() if request is not None else None
    with primary_reads(), collecting() as found, placeholders_for(request, marks):
        value = render()
    found.update(("tag", tag) for tag in tags)  # an enclosing page depends on them too
    seconds = min(settings.PARVIS_FRAGMENT_CACHE_SECONDS, seconds)
    kept = value if request is None else (value, marks)
    entry = _store(key, kept, found, before, started, seconds)
    if entry is not None:
        local.keep({key: entry})
    return value if request is None else personal_html(request, value, marks)
