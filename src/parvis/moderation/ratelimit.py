"""Small cache-based rate limits (fixed windows), shared by every app server through the cache
(Redis in production), like allauth's limits on logins and sign-ups.

``limit_reached`` only reads; ``consume`` counts one use. Callers check first, do the work,
then consume, so that a refused or failed attempt costs nothing.
"""

import time

from django.core.cache import cache


def _key(scope, ident, period):
    return f"parvis:ratelimit:{scope}:{ident}:{int(time.time() // period)}"


def limit_reached(scope: str, ident, *, limit: int, period: int) -> bool:
    """Whether ``ident`` already used ``limit`` uses of ``scope`` in the current window."""
    if limit <= 0:
        return True
    return (cache.get(_key(scope, ident, period)) or 0) >= limit


def used(scope: str, ident, *, period: int) -> int:
    """How many uses of ``scope`` ``ident`` made in the current window."""
    return cache.get(_key(scope, ident, period)) or 0


def consume(scope: str, ident, *, period: int) -> int:
    """Count one use of ``scope`` by ``ident`` in the current window; return the count."""
    key = _key(scope, ident, period)
    cache.add(key, 0, timeout=period)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        return 1
