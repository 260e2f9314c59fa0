from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from parvis.agenda.selectors import upcoming_near
from parvis.territories.models import Territory, TerritoryKind


def home(request):
    territory = Territory.objects.filter(
        kind=TerritoryKind.DEPARTEMENT, code=settings.PARVIS_TERRITORY_CODE
    ).first()
    stats = Territory.objects.filter(kind=TerritoryKind.COMMUNE).aggregate(
        communes=Count("pk"), population=Sum("population")
    )
    upcoming_events = upcoming_near(request.user)
    return render(
        request,
        "core/home.html",
        {"territory": territory, "stats": stats, "upcoming_events": upcoming_events},
    )


def page(request, template):
    return render(request, f"core/{template}.html")


@never_cache
def health(request):
    """Report whether the database and, where configured, Redis answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unreachable
        checks["database"] = "unreachable"
    if settings.REDIS_URL:
        try:
            cache.set("parvis:health", "1", 5)
            checks["redis"] = "ok" if cache.get("parvis:health") == "1" else "unreachable"
        except Exception:  # noqa: BLE001
            checks["redis"] = "unreachable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
