"""The API of the members' public profiles (``/api/membres/``): the members the directory
shows the caller; never a member's e-mail address."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from parvis.accounts.models import Mandate, ProfileKind, User, VerificationStatus
from parvis.accounts.selectors import members_visible_to
from parvis.api.registry import router
from parvis.territories.api import (
    CommuneCodeFilter,
    MandateTerritorySerializer,
    TerritorySummarySerializer,
)

from .selectors import listed_members


class MandateSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    territory = MandateTerritorySerializer(read_only=True)

    class Meta:
        model = Mandate
        fields = ["role", "role_display", "territory"]


class MemberSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-member-detail")
    name = serializers.CharField(source="get_full_name", read_only=True)
    commune = TerritorySummarySerializer(read_only=True, allow_null=True)
    links = serializers.SerializerMethodField()
    mandates = MandateSerializer(source="verified_mandates", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "kind", "commune", "bio", "website", "links", "mandates", "url"]

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_links(self, member):
        return [link for link in member.links or [] if isinstance(link, str)]


class MemberFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ProfileKind.choices)
    commune = CommuneCodeFilter(field_name="commune__code")

    class Meta:
        model = User
        fields = ["kind", "commune"]


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Public profiles. The list holds the members the directory shows the caller; a profile is
    readable when its page is (members who are not listed can still read their own)."""

    serializer_class = MemberSerializer
    filterset_class = MemberFilter

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


router.register("membres", MemberViewSet, basename="api-member", order=30)
