"""Absolute addresses name the configured site (``PARVIS_SITE_URL``), never the request's Host.

Pages are stored in the page cache and served to everyone: an address built from one
request's ``Host`` header (any name in ``ALLOWED_HOSTS``, the machine's address, a name a
client chose) would be served to every visitor after it. ``SiteURLMiddleware`` makes
``request.build_absolute_uri`` — used by Django, DRF's links and pagination, and our views —
start with the site's scheme and host; ``site_request`` does the same for the syndication
feeds, which read ``get_host()`` and ``is_secure()``. E-mails use ``core.emails.absolute_url``.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_scheme_host() -> str:
    parts = urlsplit(settings.PARVIS_SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


class SiteURLMiddleware:
    """Every absolute address a request builds starts with ``PARVIS_SITE_URL``'s scheme and
    host (Django's ``build_absolute_uri`` reads them from ``_current_scheme_host``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._current_scheme_host = site_scheme_host()
        return self.get_response(request)


class site_request:  # noqa: N801 - used like a function
    """``request`` as the syndication framework reads it, with the site's host and scheme."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_host(self):
        return urlsplit(settings.PARVIS_SITE_URL).netloc

    def is_secure(self):
        return urlsplit(settings.PARVIS_SITE_URL).scheme == "https"
