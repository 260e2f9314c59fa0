"""Query filters of the API; a bad value answers 400 with a message, never a 500."""

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from parvis.accounts.models import MandateRole, ProfileKind, User
from parvis.organisations.models import Organisation, OrganisationKind
from parvis.territories.models import Territory, TerritoryKind

commune_code_validator = RegexValidator(
    r"^[0-9][0-9AB][0-9]{3}$", _("Give a commune's 5-character INSEE code, such as 60057.")
)


class CommuneCodeFilter(django_filters.CharFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [commune_code_validator])
        kwargs.setdefault("label", _("INSEE code of the commune"))
        super().__init__(**kwargs)


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


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    commune = CommuneCodeFilter(field_name="commune__code")

    class Meta:
        model = Organisation
        fields = ["kind", "commune"]


class MemberFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ProfileKind.choices)
    commune = CommuneCodeFilter(field_name="commune__code")

    class Meta:
        model = User
        fields = ["kind", "commune"]


@extend_schema_field(OpenApiTypes.INT)
class TerritoryPkFilter(django_filters.ModelChoiceFilter):
    """A territory given by its primary key (``/api/territoires/<id>/``)."""


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
        from parvis.officials.selectors import filter_officials

        data = self.form.cleaned_data
        territories = [data["territory"]] if data.get("territory") else []
        if data.get("commune"):
            commune = Territory.objects.filter(
                kind=TerritoryKind.COMMUNE, code=data["commune"]
            ).first()
            if commune is None:
                return queryset.none()
            territories.append(commune)
        return filter_officials(
            queryset,
            territories=territories,
            role=data.get("role") or None,
            text=data.get("search") or "",
        )
