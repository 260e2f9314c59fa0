"""The API of the organisations (``/api/organisations/``): associations and institutions."""

import django_filters
from rest_framework import serializers, viewsets

from parvis.api.caching import CachedForVisitors
from parvis.api.registry import router
from parvis.core.emails import absolute_url
from parvis.territories.api import CommuneCodeFilter, TerritorySummarySerializer

from .models import Organisation, OrganisationKind
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
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "description",
            "commune",
            "website",
            "cover",
            "cover_alt",
            "verified",
            "url",
        ]

    def get_cover(self, organisation) -> str:
        return absolute_url(organisation.cover.url) if organisation.cover else ""


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    commune = CommuneCodeFilter(field_name="commune__code")

    class Meta:
        model = Organisation
        fields = ["kind", "commune"]


class OrganisationViewSet(CachedForVisitors, viewsets.ReadOnlyModelViewSet):
    """Associations and institutions: verified ones, plus the ones the caller runs."""

    page_cache_tags = ("organisations.organisation",)

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return (
            organisations_visible_to(self.request.user)
            .select_related("commune")
            .order_by("name", "pk")
        )


router.register("organisations", OrganisationViewSet, basename="api-organisation", order=20)
