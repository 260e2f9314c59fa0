"""``reverse()`` remembered per process, for the addresses a page repeats in its loops (an
event's link on every date of the month grid, each day's link).

The result of ``reverse()`` depends only on the URL patterns, the script prefix and its
arguments: the key holds the resolver in use (a new one after ``ROOT_URLCONF`` or a request's
``urlconf`` change) and the prefix, so what is remembered is always what ``reverse()`` would
give. At most ``MAX_ENTRIES`` addresses (least recently used dropped first).
"""

from functools import lru_cache

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

MAX_ENTRIES = 16384


@lru_cache(maxsize=MAX_ENTRIES)
def _reverse(resolver, prefix, viewname, kwargs):
    return reverse(viewname, urlconf=resolver.urlconf_name, kwargs=dict(kwargs))


def cached_reverse(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, remembered (the values must be hashable)."""
    resolver = get_resolver(get_urlconf())
    return _reverse(resolver, get_script_prefix(), viewname, tuple(sorted(kwargs.items())))
