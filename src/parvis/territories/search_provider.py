"""Territories in the search box (``parvis.core.search``), registered by ``content.py``:
communes first, then the EPCI, arrondissements and the département, matched on their name
(full text without accents, or trigram similarity: "Beauvias" finds Beauvais) or, for digits,
on a postal code or INSEE code."""

from django.contrib.postgres.search import SearchVector
from django.db.models import Case, FloatField, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from parvis.core import search as core_search

from .models import Territory, TerritoryKind
from .selectors import KIND_RANK


def territories_matching(user, query):
    territories = Territory.objects.all()
    if query.text.isdigit():
        matching = territories.filter(
            Q(postal_codes__contains=query.text) | Q(code__startswith=query.text)
        ).annotate(score=Value(1.0, output_field=FloatField()))
    else:
        matching = core_search.name_search(
            territories,
            query,
            vector=SearchVector("name", config=core_search.CONFIG),
            names=("name",),
            union=True,
        )
    kind_rank = Case(
        *(When(kind=kind, then=Value(-rank)) for kind, rank in KIND_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        matching.select_related("epci")
        .only("pk", "kind", "code", "name", "slug", "postal_codes", "population", "epci__name")
        .annotate(kind_rank=kind_rank)
        .order_by("-score", "kind_rank", "-population", "name", "pk")
    )


def territory_result(territory):
    if territory.kind == TerritoryKind.COMMUNE:
        parts = [territory.postal_codes.split()[0]] if territory.postal_codes else []
        if territory.epci_id:
            parts.append(territory.epci.name)
        detail = " · ".join(parts)
    else:
        detail = str(territory.get_kind_display()).capitalize()
    return core_search.Result(title=territory.name, url=territory.get_absolute_url(), detail=detail)


core_search.providers.register(
    core_search.SearchProvider(
        key="communes",
        label=_("Communes and territories"),
        order=core_search.ORDER["communes"],
        query=territories_matching,
        result=territory_result,
        audience=core_search.everyone,
    )
)
