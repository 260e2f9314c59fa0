"""The API of the organisations (``/api/organisations/``): associations and institutions."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from parvis.api.caching import CachedForVisitors
from parvis.api.registry import router
from parvis.api.serializers import SharedListSerializer
from parvis.core.emails import absolute_url
from parvis.territories.api import CommuneCodeFilter, TerritorySummarySerializer

from . import services
from .models import CONTACT_FIELDS, Organisation, OrganisationKind
from .selectors import organisations_visible_to


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-organisation-detail")
    commune = TerritorySummarySerializer(read_only=True)
    verified = serializers.BooleanField(source="is_verified", read_only=True)
    cover = serializers.SerializerMethodField(
        help_text="Absolute URL of the cover image (empty: none); cover_alt describes it."
    )

    class Meta:
        model = Organisation
        list_serializer_class = SharedListSerializer
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "description",
            "commune",
            "website",
            "email",
            "phone",
            "address",
            "opening_hours",
            "cover",
            "cover_alt",
            "verified",
            "url",
        ]

    def get_cover(self, organisation) -> str:
        return absolute_url(organisation.cover.url) if organisation.cover else ""


class OrganisationWriteSerializer(serializers.ModelSerializer):
    """What the team changes through the API: the page (the cover's description included; the
    cover itself comes through the organisation's form) and its public contact details (the
    name: managers only). The service validates (phone in French formats, http/https)."""

    class Meta:
        model = Organisation
        fields = ["name", "description", "cover_alt", "website", *CONTACT_FIELDS]


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    commune = CommuneCodeFilter(field_name="commune__code")

    class Meta:
        model = Organisation
        fields = ["kind", "commune"]


class OrganisationViewSet(CachedForVisitors, viewsets.ReadOnlyModelViewSet):
    """Associations and institutions: verified ones, plus the ones the caller runs. Their team
    changes the page and its contact details with ``PATCH``."""

    page_cache_tags = ("organisations.organisation",)

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return (
            organisations_visible_to(self.request.user)
            .select_related("commune")
            .order_by("name", "pk")
        )

    @extend_schema(request=OrganisationWriteSerializer, responses=OrganisationSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change the description, the cover's description, website or public contact details
        (the organisation's managers and editors), or the name (managers)."""
        organisation = self.get_object()
        if not request.user.has_perm("organisations.change_organisation_page", organisation):
            raise exceptions.PermissionDenied(
                _("Only the organisation's managers and editors may edit it.")
            )
        serializer = OrganisationWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.organisation_update(
            organisation=organisation, actor=request.user, **serializer.validated_data
        )
        organisation = self.get_queryset().get(pk=organisation.pk)
        return Response(self.get_serializer(organisation).data)


router.register("organisations", OrganisationViewSet, basename="api-organisation", order=20)
