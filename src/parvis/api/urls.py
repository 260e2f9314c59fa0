from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .registry import router

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("jeton/", views.CurrentTokenView.as_view(), name="api-token-current"),
    path("", include(router.urls)),
]
