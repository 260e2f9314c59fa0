"""The site's own error page when the database cannot be reached.

Django answers an uncaught exception with ``handler500`` (``500.html``). When the exception is
the database being unreachable (restarting, failing over, out of connections), the answer is
``503.html`` instead, with ``Retry-After``: the visitor reads that the service is briefly
unavailable and that nothing is lost, a load balancer or a crawler comes back later. Both pages
are static (no context, no query). Connections are checked before reuse
(``CONN_HEALTH_CHECKS``): once the database answers again, the next request reconnects, without
restarting the application server.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
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
