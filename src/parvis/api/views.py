"""The API's own pages: its documentation. The endpoints are in each app's ``api`` module."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's static files, with no inline script or style (strict CSP)."""

    template_name = "api/swagger_ui.html"
