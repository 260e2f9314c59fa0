"""System check: every cached view declares what it shows and which parameters it reads."""

from django.core import checks
from django.urls import URLPattern, URLResolver, get_resolver


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _declaration(callback):
    declared = getattr(callback, "page_cache", None)
    view_class = getattr(callback, "cls", None)  # a DRF viewset or class-based view
    if declared is None and view_class is not None and hasattr(view_class, "page_cache_tags"):
        declared = {
            "tags": view_class.page_cache_tags,
            "dynamic": getattr(view_class, "page_cache_dynamic", False),
        }
    return declared


@checks.register(checks.Tags.caches)
def cached_views_declare_what_they_show(app_configs=None, **kwargs):
    errors = []
    for route, callback in _patterns(get_resolver()):
        declared = _declaration(callback)
        if declared is not None and not declared["tags"] and not declared["dynamic"]:
            errors.append(
                checks.Error(
                    f"The cached view of {route!r} declares no tag: its page would only "
                    "renew with time.",
                    hint="List the collections it shows in public_page(...) (or "
                    "page_cache_tags on the viewset), or name them while rendering "
                    "(pagecache.depends_on, with dynamic=True).",
                    obj=getattr(callback, "__qualname__", repr(callback)),
                    id="parvis.E101",
                )
            )
    return errors


@checks.register(checks.Tags.caches, deploy=True)
def cache_apart_from_broker_and_sessions(app_configs=None, **kwargs):
    """The cache evicts (``maxmemory``) and is flushed (``cache.clear()``): in the broker's or
    the sessions' Redis database it would drop queued tasks or sessions."""
    from django.conf import settings

    cache_url = getattr(settings, "REDIS_CACHE_URL", "")
    if not cache_url:
        return []
    shared = [
        name
        for name, url in (
            ("CELERY_BROKER_URL", settings.CELERY_BROKER_URL),
            ("REDIS_SESSIONS_URL", getattr(settings, "REDIS_SESSIONS_URL", "")),
        )
        if url == cache_url
    ]
    if not shared:
        return []
    return [
        checks.Warning(
            f"The cache's Redis database (REDIS_CACHE_URL) is also {' and '.join(shared)}: "
            "evicting or flushing the cache would drop queued tasks or sessions.",
            hint="Give the cache its own Redis server (maxmemory, allkeys-lru) or at least its "
            "own database: docs/deployment.md, section Redis.",
            id="parvis.W102",
        )
    ]
