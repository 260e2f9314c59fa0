"""The statistics page in the admin ("Usage statistics"): charts drawn server-side as
accessible inline SVG, each with its data table and a CSV download; period and arrondissement
filters. It reads the day's snapshot (one query): the aggregates are computed by a Celery
task every night (``tasks.stats_compute``)."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from parvis.territories.models import Territory, TerritoryKind

from .models import StatSnapshot
from .selectors import charts, latest_snapshot

PERIODS = (3, 6, 12)


@admin.register(StatSnapshot)
class StatSnapshotAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        months = request.GET.get("mois", "12")
        months = int(months) if months.isdigit() and int(months) in PERIODS else 12
        arrondissements = list(
            Territory.objects.filter(kind=TerritoryKind.ARRONDISSEMENT).values_list("pk", "name")
        )
        chosen = request.GET.get("arrondissement", "")
        arrondissement = int(chosen) if chosen.isdigit() else None
        if arrondissement not in {pk for pk, _name in arrondissements}:
            arrondissement = None
        snapshot = latest_snapshot()
        shown = charts(snapshot, months=months, arrondissement=arrondissement) if snapshot else []
        if request.GET.get("format") == "csv":
            chart = next((c for c in shown if c["key"] == request.GET.get("graphique")), None)
            if chart is None:
                raise Http404
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="statistiques-{chart["key"]}.csv"'
            )
            response.write("\ufeff")
            writer = csv.writer(response, delimiter=";")
            writer.writerow(chart["columns"])
            writer.writerows(chart["rows"])
            return response
        query = f"mois={months}" + (f"&arrondissement={arrondissement}" if arrondissement else "")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Usage statistics"),
            "opts": self.model._meta,
            "snapshot": snapshot,
            "charts": shown,
            "months": months,
            "periods": PERIODS,
            "arrondissements": arrondissements,
            "arrondissement": arrondissement,
            "query": query,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "insight/admin/statistics.html", context)
