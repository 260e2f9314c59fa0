"""``reverse()`` remembered per process, for the addresses pages repeat: an event's link on
every date of the month grid, each day's link, and every ``{% url %}`` of the templates (the
menus, the footer, the links of each item of a list: ``core.templatetags.urls``).

The result of ``reverse()`` depends only on the URL patterns, the script prefix, the active
language (translated patterns) and its arguments: the key holds the resolver in use (a new one
after ``ROOT_URLCONF`` or a request's ``urlconf`` change), the prefix and, for the templates'
links, the language, so what is remembered is always what ``reverse()`` would give. Only
plain arguments (strings and integers, whose text is all ``reverse()`` reads) are remembered;
an address that does not resolve is never remembered (``NoReverseMatch`` is raised each time).
At most ``MAX_ENTRIES`` addresses each (least recently used dropped first).
"""

from functools import lru_cache

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

MAX_ENTRIES = 16384


@lru_cache(maxsize=MAX_ENTRIES)
def _reverse(resolver, prefix, viewname, kwargs):
    return reverse(viewname, urlconf=resolver.urlconf_name, kwargs=dict(kwargs))


def cached_reverse(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, remembered (the values must be hashable)."""
    resolver = get_resolver(get_urlconf())
    return _reverse(resolver, get_script_prefix(), viewname, tuple(sorted(kwargs.items())))


@lru_cache(maxsize=MAX_ENTRIES)
def _reverse_link(resolver, prefix, language, viewname, args, kwargs, current_app):
    return reverse(
        viewname,
        urlconf=resolver.urlconf_name,
        args=args,
        kwargs=dict(kwargs),
        current_app=current_app,
    )


def _plain(value):
    return type(value) is int or isinstance(value, str)


def reverse_link(viewname, args, kwargs, current_app=None):
    """``reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)``, remembered
    when every argument is a string or an integer (as ``{% url %}`` calls it)."""
    if not (
        isinstance(viewname, str)
        and all(_plain(value) for value in args)
        and all(_plain(value) for value in kwargs.values())
        and (current_app is None or isinstance(current_app, str))
    ):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return _reverse_link(
        get_resolver(get_urlconf()),
        get_script_prefix(),
        get_language(),
        viewname,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
    )
