"""The site's own error pages while DEBUG is on (the demo).

With ``DEBUG`` on, Django answers a missing page with its English technical page listing every
URL pattern. The demo runs with DEBUG on (console e-mail, static files served by runserver),
yet a mistyped address should show what a visitor of the real site sees. With
``PARVIS_FRIENDLY_ERRORS`` on (the demo sets it), this middleware renders the site's own
``404.html`` for a page that does not exist; developers keep Django's page by leaving it off.
"""

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, get_resolver
from django.views import defaults


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
