"""The site's own error pages.

Django answers an uncaught exception with ``handler500`` (``500.html``). When the exception is
the database being unreachable (restarting, failing over, out of connections), the answer is
``503.html`` instead, with ``Retry-After``: the visitor reads that the service is briefly
unavailable and that nothing is lost, a load balancer or a crawler comes back later. Both pages
are static (no context, no query). Connections are checked before reuse
(``CONN_HEALTH_CHECKS``): once the database answers again, the next request reconnects, without
restarting the application server.

The site's own error pages while DEBUG is on (the demo).

With ``DEBUG`` on, Django answers a missing page with its English technical page listing every
URL pattern. The demo runs with DEBUG on (console e-mail, static files served by runserver),
yet a mistyped address should show what a visitor of the real site sees. With
``PARVIS_FRIENDLY_ERRORS`` on (the demo sets it), this middleware renders the site's own
``404.html`` for a page that does not exist; developers keep Django's page by leaving it off.
"""

import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template import loader
from django.urls import Resolver404, get_resolver
from django.views import defaults
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 15


def database_unreachable(error):
    """Whether ``error`` (or what caused it) says the database cannot be reached."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        module = type(error).__module__
        if module.startswith("psycopg") and type(error).__name__ in {
            "OperationalError",
            "InterfaceError",
        }:
            return True
        if isinstance(error, DatabaseError) and "connection" in str(error).lower():
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request, template_name="500.html"):
    error = sys.exc_info()[1]
    if database_unreachable(error):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return django_server_error(request, template_name=template_name)


class FriendlyErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and self.enabled()
            and "text/html" in response.get("Content-Type", "")
            and not getattr(response, "parvis_own_page", False)
            and self.unresolved(request)
        ):
            return self.page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self.enabled():
            return self.page_not_found(request)
        return None

    @staticmethod
    def enabled():
        return settings.DEBUG and getattr(settings, "PARVIS_FRIENDLY_ERRORS", False)

    @staticmethod
    def unresolved(request):
        try:
            get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
        except Resolver404:
            return True
        return False

    @staticmethod
    def page_not_found(request):
        response = defaults.page_not_found(request, Http404())
        response.parvis_own_page = True
        return response
