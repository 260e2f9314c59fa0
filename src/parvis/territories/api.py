"""The API of the territories (``/api/territoires/``), and what the other apps' APIs share
about territories: their summary serializers and the query parameters that name one."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from parvis.api.caching import CachedForVisitors
from parvis.api.registry import router
from parvis.api.serializers import SharedListSerializer
from parvis.core.emails import absolute_url

from .models import Territory, TerritoryKind

# --- query parameters ---------------------------------------------------------------------------

commune_code_validator = RegexValidator(
    r"^[0-9][0-9AB][0-9]{3}$", _("Give a commune's 5-character INSEE code, such as 60057.")
)


class CommuneCodeFilter(django_filters.CharFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [commune_code_validator])
        kwargs.setdefault("label", _("INSEE code of the commune"))
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.INT)
class TerritoryPkFilter(django_filters.ModelChoiceFilter):
    """A territory given by its primary key (``/api/territoires/<id>/``)."""


def territory_in_query(params, errors, name="territory"):
    """The territory whose primary key is the query parameter ``name``, or ``None`` (absent,
    or unknown: then with a message in ``errors``)."""
    value = (params.get(name) or "").strip()
    if not value:
        return None
    territory = (
        Territory.objects.filter(pk=int(value)).first()
        if value.isdigit() and len(value) < 12
        else None
    )
    if territory is None:
        errors[name] = [_("Give the primary key of a territory (see /api/territoires/).")]
    return territory


def commune_in_query(params, errors, name="commune"):
    """The commune whose INSEE code is the query parameter ``name``, or ``None`` (absent, or a
    bad or unknown code: then with a message in ``errors``)."""
    code = (params.get(name) or "").strip()
    if not code:
        return None
    try:
        commune_code_validator(code)
    except DjangoValidationError as error:
        errors[name] = list(error.messages)
        return None
    commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()
    if commune is None:
        errors[name] = [_("No commune of our territory has this INSEE code.")]
    return commune


# --- serializers --------------------------------------------------------------------------------


class TerritoryReferenceSerializer(serializers.Serializer):
    # A territory that another object names (its audience, its place); subclassed under each
    # app's name (no docstring: the schema would give it to every subclass).
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class TerritorySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["code", "name"]


class MandateTerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["kind", "code", "name"]


class TerritorySerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-territory-detail")
    postal_codes = serializers.ListField(
        source="postal_code_list", child=serializers.CharField(), read_only=True
    )
    departement = serializers.PrimaryKeyRelatedField(read_only=True)
    arrondissement = serializers.PrimaryKeyRelatedField(read_only=True)
    epci = serializers.PrimaryKeyRelatedField(read_only=True)
    web_url = serializers.SerializerMethodField(help_text="The territory's page on the site.")

    class Meta:
        list_serializer_class = SharedListSerializer
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
            "web_url",
        ]

    def get_web_url(self, territory) -> str:
        return absolute_url(territory.get_absolute_url())


# --- the viewset --------------------------------------------------------------------------------


class TerritoryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TerritoryKind.choices)
    code = django_filters.CharFilter(max_length=12, label=_("Official code (INSEE or SIREN)"))
    search = django_filters.CharFilter(
        method="filter_search", max_length=100, label=_("Name or postal code")
    )

    class Meta:
        model = Territory
        fields = ["kind", "code", "search"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(Q(postal_codes__contains=value) | Q(code__startswith=value))
        return queryset.filter(name__icontains=value)


class TerritoryViewSet(CachedForVisitors, viewsets.ReadOnlyModelViewSet):
    """Départements, arrondissements, intercommunalities (EPCI) and communes."""

    page_cache_tags = ("territories.territory",)

    serializer_class = TerritorySerializer
    filterset_class = TerritoryFilter
    queryset = Territory.objects.order_by("name", "pk")


router.register("territoires", TerritoryViewSet, basename="api-territory", order=10)
