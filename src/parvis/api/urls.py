from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("territoires", views.TerritoryViewSet, basename="api-territory")
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("membres", views.MemberViewSet, basename="api-member")
router.register("evenements", views.EventViewSet, basename="api-event")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include(router.urls)),
]
