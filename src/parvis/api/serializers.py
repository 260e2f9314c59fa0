"""Read-only representations of the public data; never a member's e-mail address."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parvis.accounts.models import Mandate, User
from parvis.organisations.models import Organisation
from parvis.territories.models import Territory


class TerritorySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["code", "name"]


class TerritorySerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-territory-detail")
    postal_codes = serializers.ListField(
        source="postal_code_list", child=serializers.CharField(), read_only=True
    )
    departement = serializers.PrimaryKeyRelatedField(read_only=True)
    arrondissement = serializers.PrimaryKeyRelatedField(read_only=True)
    epci = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Territory
        fields = [
            "id",
            "kind",
            "code",
            "name",
            "slug",
            "siren",
            "epci_type",
            "postal_codes",
            "population",
            "departement",
            "arrondissement",
            "epci",
            "url",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-organisation-detail")
    commune = TerritorySummarySerializer(read_only=True)
    verified = serializers.BooleanField(source="is_verified", read_only=True)

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
            "verified",
            "url",
        ]


class MandateTerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["kind", "code", "name"]


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
