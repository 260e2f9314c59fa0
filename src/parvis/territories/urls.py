"""The territory pages, mounted at the root: ``/communes/<INSEE code>-<slug>/`` for a commune,
``/territoires/<kind>/<code>-<slug>/`` for an EPCI (SIREN code), an arrondissement or the
département; a wrong or missing slug redirects to the right address."""

from django.urls import path, register_converter

from . import views
from .converters import TerritoryCodeConverter
from .models import TerritoryKind

app_name = "territories"

register_converter(TerritoryCodeConverter, "territory_code")

PREFIXES = {
    TerritoryKind.COMMUNE: "communes/",
    TerritoryKind.EPCI: "territoires/epci/",
    TerritoryKind.ARRONDISSEMENT: "territoires/arrondissements/",
    TerritoryKind.DEPARTEMENT: "territoires/departements/",
}

urlpatterns = [
    path("communes/", views.index, name="index"),
]
for kind, prefix in PREFIXES.items():
    urlpatterns += [
        path(
            f"{prefix}<territory_code:code>-<str:slug>/",
            views.territory_detail,
            {"kind": kind},
            name=kind,
        ),
        path(
            f"{prefix}<territory_code:code>/",
            views.territory_detail,
            {"kind": kind, "slug": ""},
            name=f"{kind}_short",
        ),
    ]
