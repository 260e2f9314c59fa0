"""Reads of the home page's greeting.

The home page's blocks are read by the apps that register them (``core.home``), each with its
own selector and a ``LIMIT``; the page's total is pinned in ``tests/core/test_home.py``.
"""

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from parvis.territories.models import Territory, TerritoryKind
from parvis.territories.rendered import kept

from . import pagecache


def departement_with_figures():
    """The département the site serves, annotated with ``commune_count`` and
    ``population_total`` (of its communes), or ``None`` before the territory is imported.
    One query, once per version of the territories and per process (``rendered.kept``): the
    same figures greet every visitor until the territories are imported again. The page
    showing them depends on every territory (the row kept is not loaded by the page: the page
    cache could not record it)."""
    pagecache.depends_on(pagecache.collection("territories.territory"))
    return kept("departement_with_figures", _departement_with_figures)


def _departement_with_figures():
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
