"""Territories in the admin: read-only; they come from the open-data import."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Arrondissement, Commune, Departement, Epci


class ReadOnlyTerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "population"]
    search_fields = ["name", "code", "postal_codes"]
    ordering = ["name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Departement)
class DepartementAdmin(ReadOnlyTerritoryAdmin):
    pass


@admin.register(Arrondissement)
class ArrondissementAdmin(ReadOnlyTerritoryAdmin):
    list_display = ["name", "code", "population", "departement"]
    list_select_related = ["departement"]


@admin.register(Epci)
class EpciAdmin(ReadOnlyTerritoryAdmin):
    list_display = ["name", "code", "epci_type", "population"]
    list_filter = ["epci_type"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyTerritoryAdmin):
    list_display = ["name", "code", "postal_codes", "population", "epci", "arrondissement"]
    list_select_related = ["epci", "arrondissement"]
    list_filter = [
        ("arrondissement", admin.RelatedOnlyFieldListFilter),
        ("epci", admin.RelatedOnlyFieldListFilter),
    ]
    list_per_page = 50

    @admin.display(description=_("postal codes"))
    def postal_codes(self, obj):
        return obj.postal_codes
