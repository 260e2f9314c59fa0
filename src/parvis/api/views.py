"""Read-only API: the same visibility as the pages, through the same selectors."""

from django.db.models import Prefetch
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets

from parvis.accounts.models import Mandate, VerificationStatus
from parvis.accounts.selectors import members_visible_to
from parvis.directory.selectors import listed_members
from parvis.organisations.selectors import organisations_visible_to
from parvis.territories.models import Territory

from . import filters, serializers


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Départements, arrondissements, intercommunalities (EPCI) and communes."""

    serializer_class = serializers.TerritorySerializer
    filterset_class = filters.TerritoryFilter
    queryset = Territory.objects.order_by("name", "pk")


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Associations and institutions: verified ones, plus the ones the caller runs."""

    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter

    def get_queryset(self):
        return (
            organisations_visible_to(self.request.user)
            .select_related("commune")
            .order_by("name", "pk")
        )


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Public profiles. The list holds the members the directory shows the caller; a profile is
    readable when its page is (members who are not listed can still read their own)."""

    serializer_class = serializers.MemberSerializer
    filterset_class = filters.MemberFilter

    def get_queryset(self):
        user = self.request.user
        queryset = listed_members(user) if self.action == "list" else members_visible_to(user)
        return (
            queryset.select_related("commune")
            .prefetch_related(
                Prefetch(
                    "mandates",
                    queryset=Mandate.objects.filter(status=VerificationStatus.VERIFIED)
                    .select_related("territory")
                    .order_by("role", "territory__name", "pk"),
                    to_attr="verified_mandates",
                )
            )
            .order_by("last_name", "first_name", "pk")
        )


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's static files, with no inline script or style (strict CSP)."""

    template_name = "api/swagger_ui.html"
