from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache

from parvis.agenda.selectors import upcoming_near
from parvis.consultations.selectors import open_for
from parvis.core import pagecache
from parvis.core.pagecache import public_page
from parvis.news.selectors import latest_for

from .selectors import (
    HOME_CONSULTATIONS,
    HOME_EVENTS,
    HOME_POSTS,
    departement_with_figures,
    group_activity,
)

#: The collections the home page's blocks list (the page cache's tags: see ``home``).
HOME_TAGS = (
    "agenda.eventoccurrence",
    "news.post",
    "consultations.consultation",
    "groups.thread",
    "groups.membership",
)


@public_page(*HOME_TAGS)
def home(request):
    """The home page: for a member, what concerns them (events near them, information and
    consultations for their territory, activity in their groups); for a visitor, the
    département-wide version, the commune picker and an invitation to join. A fixed number of
    queries whatever the volume (see ``core.selectors``).

    Visitors get the whole page from the page cache. A member's content is a fragment cached in
    Redis (``pagecache.fragment``), its blocks read lazily so that a cached fragment costs no
    query; it holds while none of the collections it lists, the items it shows and the
    member's read markers changed (``core.pagecache``)."""
    user = request.user
    context = {
        "upcoming_events": SimpleLazyObject(lambda: upcoming_near(user, limit=HOME_EVENTS)),
        "latest_posts": SimpleLazyObject(lambda: latest_for(user, HOME_POSTS)),
        "open_consultations": SimpleLazyObject(lambda: open_for(user, HOME_CONSULTATIONS)),
        "group_activity": SimpleLazyObject(lambda: group_activity(user)),
    }
    if not user.is_authenticated:
        # The département's name and figures greet visitors only.
        context["territory"] = departement_with_figures()
        return render(request, "core/home.html", context)
    language = getattr(request, "LANGUAGE_CODE", "")
    member_content = pagecache.fragment(
        ("home", user.pk, user.first_name, user.commune_id, language),
        lambda: render_to_string("core/_home_content.html", context, request),
        tags=(*HOME_TAGS, pagecache.reads_label(user.pk)),
    )
    return render(request, "core/home.html", {"member_content": member_content})


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
