"""Per-request values in stored pages and fragments: each render uses secret placeholders for
the CSRF token, the CSP nonce and one-time form tokens, stored with it, and each response gets
this request's own values in their place (see ``pages.py``)."""

import secrets
from contextlib import contextmanager

from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeData, mark_safe

from ..idempotency import PAGE_CACHE_RENDERING, new_token

#: The request attribute holding the placeholders to render (``placeholders()``), if any.
RENDERING = PAGE_CACHE_RENDERING


def placeholders() -> tuple[str, str, str]:
    """New placeholders for one render, ``(csrf, nonce, form token)``: a part derived from
    ``SECRET_KEY`` (never the same on two deployments) and a random part (never the same
    twice)."""
    deployment = salted_hmac(
        "parvis.core.pagecache.placeholders", "v1", algorithm="sha256"
    ).hexdigest()[:16]
    render = secrets.token_hex(12)
    return f"pc{deployment}c{render}", f"pc{deployment}n{render}", f"pc{deployment}f{render}"


def has_placeholders(content: bytes, marks) -> bool:
    return any(mark.encode() in content for mark in marks or ())


def personalise(request, content, marks):
    """Put this request's CSRF token and CSP nonce where this render's placeholders are, and
    a new one-time form token (``core.idempotency``) in each form that had one (``content``:
    bytes or text); inside a render for the cache (``RENDERING`` set), that render's
    placeholders instead."""
    if not marks:
        return content
    encode = (lambda value: value) if isinstance(content, str) else str.encode
    csrf, nonce, form = (encode(mark) for mark in marks)
    outer = getattr(request, RENDERING, None)
    if outer:
        # A fragment inside a page or fragment being rendered for the cache: the enclosing
        # render's placeholders, which each response replaces in turn (never a visitor's own
        # token in what others are served).
        for mark, value in zip((csrf, nonce, form), outer, strict=True):
            content = content.replace(mark, encode(value))
        return content
    if csrf in content:
        content = content.replace(csrf, encode(get_token(request)))
    if nonce in content:
        content = content.replace(nonce, encode(str(get_nonce(request))))
    if form in content:
        first, *rest = content.split(form)
        content = first + encode("").join(encode(new_token()) + piece for piece in rest)
    return content


def personal_html(request, html, marks):
    """A fragment's ``html`` with this request's values, still safe HTML when it was (the
    placeholders become tokens: URL-safe characters only)."""
    text = personalise(request, html, marks)
    return mark_safe(text) if isinstance(html, SafeData) else text  # noqa: S308


@contextmanager
def placeholders_for(request, marks):
    """Render with the placeholders ``marks`` on ``request`` (nothing without a request)."""
    if request is None:
        yield
        return
    saved = getattr(request, RENDERING, None)
    setattr(request, RENDERING, marks)
    try:
        yield
    finally:
        setattr(request, RENDERING, saved)
