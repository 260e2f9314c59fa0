"""What a process remembers of the shared cache from one request to the next: the values of
the tags and the fragments and cards it read or stored, checked once per request.

Without it, every fragment or list of cards a page shows costs Redis round trips (the
fragment, then its tags' values; a territory's page about twenty): each is cheap, but on an
app server whose cores are busy, each also waits for Redis to be scheduled, and the long tail
with the page cache off spent an eighth of its time there.

Every retirement (``writes.bump``) is written by one Lua script that sets the tags' values,
counts it (``CLOCK_KEY``'s ``n``) and appends it to a log (``LOG_KEY``, the last
``LOG_LENGTH``). At its first use of the cache in a request (``sync``), a process reads the
entries it has not seen yet, in one round trip, and applies them to what it remembers:

- the tags' values: ``writes.tag_values`` reads from Redis only those it never read;
- fragments (``fragments.fragment``, ``fragments.fragments``) and cards (``cards.shared``), the last
  ``ENTRIES`` used: a fragment is served from here while its tags hold and its time has not
  passed, as it would be from Redis; a card is kept under its content, which no write changes.

When the log cannot tell what changed (Redis was emptied: its ``epoch`` is new; entries were
cut before this process read them; Redis cannot be reached), the process forgets everything
and reads Redis again. Nothing is remembered outside a request (Celery tasks, commands, the
shell: each read goes to Redis) or with another cache than Parvis's Redis one (the database
cache of the embedded first run).
"""

import sys
import threading
import time
import uuid
from collections import OrderedDict
from contextvars import ContextVar

from django.core.cache import caches
from django.core.signals import request_finished, request_started

#: A hash: ``n``, the retirements counted; ``epoch``, new whenever Redis lost it (emptied).
CLOCK_KEY = "pagecache:clock"
LOG_KEY = "pagecache:log"
#: Retirements kept in the log: a process that missed more forgets what it remembers.
LOG_LENGTH = 5_000
#: Fragments and cards remembered per process (the least recently used go first).
ENTRIES = 4_000
#: A value larger than this (characters) is not remembered.
LARGEST = 200_000
#: Tags remembered per process: past this, they are forgotten and read again.
TAGS = 50_000
SEPARATOR = "\n"

BUMP = """
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
if redis.call('HEXISTS', KEYS[1], 'epoch') == 0 then
  redis.call('HSET', KEYS[1], 'epoch', ARGV[3])
end
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[1]) end
redis.call('RPUSH', KEYS[2], n .. ' ' .. ARGV[1] .. ' ' .. ARGV[4])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
return n
"""

SYNC = """
local epoch = redis.call('HGET', KEYS[1], 'epoch')
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if not epoch then
  epoch = ARGV[2]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
local seen = tonumber(ARGV[1])
if seen < 0 or n <= seen or n - seen > tonumber(ARGV[3]) then return {epoch, n, {}} end
return {epoch, n, redis.call('LRANGE', KEYS[2], seen - n, -1)}
"""

_request = ContextVar("parvis_pagecache_request", default=None)


class _Memory:
    def __init__(self):
        self.lock = threading.Lock()
        self.epoch = None
        self.seen = None
        self.tags = {}
        self.entries = OrderedDict()

    def forget(self):
        self.tags.clear()
        self.entries.clear()


_memory = _Memory()
_scripts = {}


def _backend():
    """Parvis's Redis cache (``core.cache.RedisCache``), when it is the default and up."""
    from ..cache import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    if backend._down_until and time.monotonic() < backend._down_until:
        return None
    return backend


def _script(backend, source):
    client = backend._cache.get_client(write=True)
    key = (id(client), source)
    script = _scripts.get(key)
    if script is None:
        script = _scripts[key] = client.register_script(source)
    return script


def bump(tag_keys, tags, value) -> bool:
    """Set the tags (their keys ``tag_keys``) to ``value`` and log it (see the module's doc);
    ``False`` without Parvis's Redis cache (the caller sets them itself)."""
    backend = _backend()
    if backend is None:
        return False
    script = _script(backend, BUMP)
    keys = [backend.make_key(CLOCK_KEY), backend.make_key(LOG_KEY)]
    keys += [backend.make_key(key) for key in tag_keys]
    args = [value, LOG_LENGTH, uuid.uuid4().hex, SEPARATOR.join(tags)]
    # Redis down: nothing set, as the cache's other writes (``core.cache``).
    backend._attempt(lambda _backend: script(keys=keys, args=args), lambda: None)
    with _memory.lock:  # this process's next reads see them, in this request too
        for tag in tags:
            _memory.tags[tag] = value
    return True


def retired_count():
    """How many retirements were counted (``None`` without Parvis's Redis cache: the caller
    counts itself)."""
    backend = _backend()
    if backend is None:
        return None
    client = backend._cache.get_client()
    value = backend._attempt(lambda _backend: client.hget(backend.make_key(CLOCK_KEY), "n"), int)
    return int(value) if value is not None else 0


def _started(sender, **kwargs):
    _request.set({"synced": False})


def _finished(sender, **kwargs):
    _request.set(None)


request_started.connect(_started, dispatch_uid="parvis-pagecache-local-started")
request_finished.connect(_finished, dispatch_uid="parvis-pagecache-local-finished")


def sync() -> bool:
    """Whether what this process remembers may be used: inside a request, once it read the
    retirements it had not seen (first call of the request; see the module's doc)."""
    state = _request.get()
    if state is None:
        return False
    if state["synced"]:
        return True
    backend = _backend()
    if backend is None:
        return False
    seen = _memory.seen
    script = _script(backend, SYNC)
    keys, args = _sync_call(backend, seen)
    found = backend._attempt(lambda _backend: script(keys=keys, args=args), lambda: None)
    return _synced(state, seen, found)


def _sync_call(backend, seen):
    keys = [backend.make_key(CLOCK_KEY), backend.make_key(LOG_KEY)]
    return keys, [-1 if seen is None else seen, uuid.uuid4().hex, LOG_LENGTH]


def _synced(state, seen, found) -> bool:
    """Apply the sync script's answer ``found`` (``None``: Redis down)."""
    if found is None:  # Redis down: read (and fail) as without this module
        with _memory.lock:
            _memory.forget()
            _memory.seen = None
        return False
    epoch, count, entries = found
    epoch = epoch.decode() if isinstance(epoch, bytes) else str(epoch)
    with _memory.lock:
        if not _follows(epoch, seen, count, entries):
            _memory.forget()
        if len(_memory.tags) > TAGS:
            _memory.tags.clear()
        _memory.epoch, _memory.seen = epoch, count
    state["synced"] = True
    return True


def get(key):
    """``cache.get(key)``; the request's first read of the cache also reads the retirements
    (``sync``) in the same round trip: a visitor's stored page costs one."""
    state = _request.get()
    backend = _backend()
    if state is None or state["synced"] or backend is None:
        return caches["default"].get(key)
    seen = _memory.seen
    script = _script(backend, SYNC)
    keys, args = _sync_call(backend, seen)

    def both(_backend):
        pipe = backend._cache.get_client(write=True).pipeline(transaction=False)
        pipe.evalsha(script.sha, len(keys), *keys, *args)
        pipe.get(backend.make_key(key))
        return pipe.execute(raise_on_error=False)

    found = backend._attempt(both, lambda: None)
    if found is None or isinstance(found[0], Exception):  # Redis down, or not loaded yet
        return caches["default"].get(key) if sync() else None
    _synced(state, seen, found[0])
    value = found[1]
    return None if value is None else backend._cache._serializer.loads(value)


def _follows(epoch, seen, count, entries) -> bool:
    """Whether the log's ``entries`` bring what this process remembers (as of ``seen``
    retirements) up to ``count`` (applied if so)."""
    if epoch != _memory.epoch or seen is None or count < seen:
        return False
    return count == seen or (len(entries) == count - seen and _apply(entries, seen))


def _apply(entries, seen) -> bool:
    """Apply the log's ``entries`` (numbered from ``seen + 1``) to the tags remembered; whether
    they were the expected ones."""
    tags = _memory.tags
    for expected, entry in enumerate(entries, start=seen + 1):
        number, value, names = entry.decode().split(" ", 2)
        if int(number) != expected:
            return False
        value = int(value)
        for tag in names.split(SEPARATOR):
            if tag in tags:
                tags[tag] = value
    return True


def known_tags(tag_list) -> dict:
    """The values remembered of ``tag_list`` (``{}`` when none may be used)."""
    if not sync():
        return {}
    tags = _memory.tags
    return {tag: tags[tag] for tag in tag_list if tag in tags}


def remember_tags(values) -> None:
    """Remember tags' values just read from Redis (after this request's ``sync``)."""
    if values and sync():
        with _memory.lock:
            _memory.tags.update((tag, value) for tag, value in values.items() if value is not None)


def entry(key):
    """The fragment or card remembered under ``key``, or ``None``."""
    if not sync():
        return None
    with _memory.lock:
        found = _memory.entries.get(key)
        if found is not None:
            _memory.entries.move_to_end(key)
        return found


def entries(keys) -> dict:
    """``{key: value}`` for those of ``keys`` remembered."""
    if not keys or not sync():
        return {}
    found = {}
    with _memory.lock:
        kept = _memory.entries
        for key in keys:
            value = kept.get(key)
            if value is not None:
                kept.move_to_end(key)
                found[key] = value
    return found


def keep(values) -> None:
    """Remember ``{key: value}`` (fragments' entries or cards' HTML) read or stored."""
    if not values or not sync():
        return
    with _memory.lock:
        kept = _memory.entries
        for key, value in values.items():
            if _size(value) <= LARGEST:
                kept[key] = value
                kept.move_to_end(key)
        while len(kept) > ENTRIES:
            kept.popitem(last=False)


def _size(value, depth=3) -> int:
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, tuple | list) and depth:
        return sum(_size(part, depth - 1) for part in value)
    return sys.getsizeof(value)
