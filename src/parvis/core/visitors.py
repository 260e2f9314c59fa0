"""Reads that are the same for every visitor."""

import functools

from django.contrib.auth.models import AnonymousUser


def same_for_every_visitor(build):
    """Decorate ``build(user)``, a queryset of what ``user`` may see: a visitor's is the same
    for every visitor, so it is built once per process (its filters, joins and ``EXISTS``
    compiled once) and each caller gets a copy (``.all()``) to filter; a member's is built for
    them at each call."""

    @functools.cache
    def for_visitors():
        return build(AnonymousUser())

    @functools.wraps(build)
    def wrapped(user):
        if not user.is_authenticated:
            return for_visitors().all()
        return build(user)

    return wrapped
