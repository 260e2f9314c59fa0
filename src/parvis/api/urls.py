from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views
from .consultations import ConsultationViewSet
from .groups import GroupViewSet, MessageViewSet, ThreadViewSet
from .news import PostViewSet

router = DefaultRouter()
router.register("territoires", views.TerritoryViewSet, basename="api-territory")
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("membres", views.MemberViewSet, basename="api-member")
router.register("evenements", views.EventViewSet, basename="api-event")
router.register("consultations", ConsultationViewSet, basename="api-consultation")
router.register("actualites", PostViewSet, basename="api-post")
router.register("elus", views.OfficialViewSet, basename="api-official")
router.register("groupes", GroupViewSet, basename="api-group")
router.register(
    r"groupes/(?P<group_slug>[-\w]+)/discussions", ThreadViewSet, basename="api-group-thread"
)
router.register(
    r"groupes/(?P<group_slug>[-\w]+)/discussions/(?P<thread_pk>[0-9]+)/messages",
    MessageViewSet,
    basename="api-group-message",
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include(router.urls)),
]
