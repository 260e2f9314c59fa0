"""The API of the elected officials (``/api/elus/``): verified officials and their verified
mandates, as on ``/elus/`` (never a pending claim)."""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from parvis.accounts.models import Mandate, MandateRole, User
from parvis.accounts.selectors import members_visible_to
from parvis.api.registry import router
from parvis.core.emails import absolute_url
from parvis.territories.api import CommuneCodeFilter, TerritoryPkFilter, TerritorySummarySerializer
from parvis.territories.models import Territory, TerritoryKind

from . import selectors as officials


class OfficialTerritorySerializer(serializers.ModelSerializer):
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Territory
        fields = ["id", "kind", "code", "name", "web_url"]

    def get_web_url(self, territory) -> str:
        return absolute_url(territory.get_absolute_url())


class OfficialMandateSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    territory = OfficialTerritorySerializer(read_only=True)

    class Meta:
        model = Mandate
        fields = ["role", "role_display", "territory"]


class OfficialSerializer(serializers.ModelSerializer):
    """A verified elected official and their verified mandates (never a pending claim)."""

    url = serializers.HyperlinkedIdentityField(view_name="api-official-detail")
    web_url = serializers.SerializerMethodField(help_text="The official's page on the site.")
    name = serializers.CharField(source="get_full_name", read_only=True)
    commune = TerritorySummarySerializer(read_only=True, allow_null=True)
    mandates = OfficialMandateSerializer(source="verified_mandates", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "commune", "bio", "website", "mandates", "web_url", "url"]

    def get_web_url(self, official) -> str:
        return absolute_url(reverse("officials:detail", kwargs={"pk": official.pk}))


class OfficialFilter(django_filters.FilterSet):
    """Officials with a verified mandate on a territory (or inside it), of a role, by name."""

    territory = TerritoryPkFilter(
        queryset=Territory.objects.all(),
        label=_("Territory (primary key): mandates on it or on a territory inside it"),
    )
    commune = CommuneCodeFilter()
    role = django_filters.ChoiceFilter(choices=MandateRole.choices, label=_("Mandate"))
    search = django_filters.CharFilter(max_length=100, label=_("Words of the name"))

    class Meta:
        model = User
        fields = ["territory", "commune", "role", "search"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        territories = [data["territory"]] if data.get("territory") else []
        if data.get("commune"):
            commune = Territory.objects.filter(
                kind=TerritoryKind.COMMUNE, code=data["commune"]
            ).first()
            if commune is None:
                return queryset.none()
            territories.append(commune)
        return officials.filter_officials(
            queryset,
            territories=territories,
            role=data.get("role") or None,
            text=data.get("search") or "",
        )


class OfficialViewSet(viewsets.ReadOnlyModelViewSet):
    """Verified elected officials, as on /elus/: the list holds those the directory shows the
    caller; an official's record is readable when their page is. Only verified mandates."""

    serializer_class = OfficialSerializer
    filterset_class = OfficialFilter

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            queryset = officials.officials_visible_to(user)
        else:
            queryset = officials.filter_officials(members_visible_to(user))
        return officials.with_verified_mandates(queryset.select_related("commune")).order_by(
            "last_name", "first_name", "pk"
        )


router.register("elus", OfficialViewSet, basename="api-official", order=70)
