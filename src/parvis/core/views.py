from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from parvis.agenda.selectors import upcoming_near
from parvis.consultations.selectors import open_for
from parvis.news.selectors import latest_for

from .selectors import (
    HOME_CONSULTATIONS,
    HOME_EVENTS,
    HOME_POSTS,
    departement_with_figures,
    group_activity,
)


def home(request):
    """The home page: for a member, what concerns them (events near them, information and
    consultations for their territory, activity in their groups); for a visitor, the
    département-wide version, the commune picker and an invitation to join. A fixed number of
    queries whatever the volume (see ``core.selectors``)."""
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            # The département's name and figures greet visitors only.
            "territory": None if user.is_authenticated else departement_with_figures(),
            "upcoming_events": upcoming_near(user, limit=HOME_EVENTS),
            "latest_posts": latest_for(user, HOME_POSTS),
            "open_consultations": open_for(user, HOME_CONSULTATIONS),
            "group_activity": group_activity(user),
        },
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
