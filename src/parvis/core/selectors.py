"""Reads of the home page's greeting.

The home page's blocks are read by the apps that register them (``core.home``), each with its
own selector and a ``LIMIT``; the page's total is pinned in ``tests/core/test_home.py``.
"""

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from parvis.territories.models import Territory, TerritoryKind


def departement_with_figures():
    """The département the site serves, annotated with ``commune_count`` and
    ``population_total`` (of its communes), or ``None`` before the territory is imported.
    One query."""
    communes = (
        Territory.objects.filter(kind=TerritoryKind.COMMUNE, departement=OuterRef("pk"))
        .order_by()
        .values("departement")
    )
    return (
        Territory.objects.filter(
            kind=TerritoryKind.DEPARTEMENT, code=settings.PARVIS_TERRITORY_CODE
        )
        .annotate(
            commune_count=Coalesce(
                Subquery(communes.annotate(n=Count("pk")).values("n")[:1]),
                0,
                output_field=IntegerField(),
            ),
            population_total=Coalesce(
                Subquery(communes.annotate(total=Sum("population")).values("total")[:1]),
                0,
                output_field=IntegerField(),
            ),
        )
        .first()
    )
