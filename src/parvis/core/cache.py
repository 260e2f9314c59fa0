"""The Redis cache, degrading to "no cache" while Redis cannot be reached.

Django's ``RedisCache`` lets every connection error escape, so that a Redis outage turns every
page that reads the cache (the page cache, rate limits, counters in the header) into a 500.
Here a failed operation answers as an empty cache would, and the site keeps serving from
PostgreSQL (sessions are written through to the database: ``parvis.accounts.sessions``):

- ``get`` → the default, ``get_many`` → ``{}``, ``has_key`` → ``False``;
- ``set``, ``set_many``, ``delete``, ``delete_many``, ``touch``, ``clear`` → nothing stored;
- ``add`` → ``True``: callers use it as a lock or a once-only guard (allauth's rate-limit
  lock, the digest chain): with Redis down they go ahead, and what they protect is idempotent
  in the database anyway;
- ``incr`` → ``ValueError`` (as for a missing key): counters start again.

Rate limits and the page cache are therefore off while Redis is down (what the page cache
retired during the outage may be served for at most ``PARVIS_PAGE_CACHE_SECONDS`` if the same
Redis comes back with its data). After a failure this process leaves Redis alone for
``RETRY_SECONDS`` (no connection attempt per call), then tries again. Connections time out
quickly (``socket_connect_timeout``, ``socket_timeout`` in settings) so that an unreachable host
cannot hold a request.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

ERRORS = (RedisError, OSError)
RETRY_SECONDS = 2.0


def _guarded(name, fallback):
    method = getattr(DjangoRedisCache, name)

    def call(self, *args, **kwargs):
        return self._attempt(method, fallback, *args, **kwargs)

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


def _missing_key():
    raise ValueError("Key not found (cache unavailable).")


class ReusedClients(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool. Django builds a new
    one for each operation, and its table of reply callbacks (about 170 entries) cost more CPU
    than a local round trip (0.2-0.3 ms: a page served from the cache makes several). A
    ``redis.Redis`` is shared safely between threads: each command takes a connection from
    the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        self._down_until = 0.0

    def _attempt(self, method, fallback, *args, **kwargs):
        if self._down_until and time.monotonic() < self._down_until:
            return fallback()
        try:
            result = method(self, *args, **kwargs)
        except ERRORS as error:
            if not self._down_until:
                logger.warning("Cache unavailable (%s): serving without it.", error)
            self._down_until = time.monotonic() + RETRY_SECONDS
            return fallback()
        if self._down_until:
            self._down_until = 0.0
            logger.warning("Cache available again.")
        return result

    def get(self, key, default=None, version=None):
        return self._attempt(DjangoRedisCache.get, lambda: default, key, default, version)

    add = _guarded("add", lambda: True)
    set = _guarded("set", lambda: None)
    touch = _guarded("touch", lambda: False)
    delete = _guarded("delete", lambda: False)
    get_many = _guarded("get_many", dict)
    has_key = _guarded("has_key", lambda: False)
    incr = _guarded("incr", _missing_key)
    set_many = _guarded("set_many", list)
    delete_many = _guarded("delete_many", lambda: None)
    clear = _guarded("clear", lambda: None)
