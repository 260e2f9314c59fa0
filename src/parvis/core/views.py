from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parvis.accounts.services import checklist_dismiss as checklist_dismiss_service
from parvis.core import pagecache
from parvis.core.htmx import fragment, is_htmx
from parvis.core.pagecache import RELATIVE_SECONDS, public_page

from .feed import feed_sources, from_cursor
from .home import home_blocks
from .selectors import departement_with_figures
from .share import clean_instance, mastodon_share_url


# The tags are read once the apps are loaded (when the URLs are): the blocks' own, registered
# by the apps' content.py at start-up (core.content).
# Relative times ("active 5 minutes ago"): kept a minute at most.
@public_page(*home_blocks.tags(), timeout=RELATIVE_SECONDS)
def home(request):
    """The home page: for a member, what concerns them (events near them, information and
    consultations for their territory, activity in their groups); for a visitor, the
    département-wide version, the commune picker and an invitation to join. The blocks are
    those the apps register (``core.home.home_blocks``), each a fixed number of queries
    whatever the volume.

    Visitors get the whole page from the page cache. A member's content is a fragment cached in
    Redis (``pagecache.fragment``), its blocks read only when it is rendered, so that a cached
    fragment costs no query; it holds while none of the collections the blocks list
    (``HomeBlock.tags``), the items it shows and the member's own tags (their read markers,
    ``HomeBlock.member_tags``) changed (``core.pagecache``)."""
    user = request.user
    context = {"home_blocks": home_blocks}
    if not user.is_authenticated:
        # The département's name and figures greet visitors only.
        context["territory"] = departement_with_figures()
        return render(request, "core/home.html", context)
    language = getattr(request, "LANGUAGE_CODE", "")
    member_context = {**context, "feed": lambda: feed_sources.page(user)}
    member_content = pagecache.fragment(
        ("home", user.pk, user.first_name, user.commune_id, language),
        lambda: render_to_string("core/_home_member.html", member_context, request),
        tags=(*home_blocks.tags(), *home_blocks.member_tags(user), *feed_sources.tags()),
    )
    return render(
        request,
        "core/home.html",
        {"member_content": member_content, "top_blocks": home_blocks.blocks("top")},
    )


@login_required
def feed(request):
    """The member's feed past its first page ("See more of your feed" on the home page):
    ``?avant=`` is the cursor of the last item seen; a cursor that is not one shows the first
    page. Never cached (a member's page); a fixed number of queries whatever the volume."""
    before = from_cursor(request.GET.get("avant"))
    if is_htmx(request) and before is not None:
        # "See more of your feed" in place: the next items and the next link replace the link.
        page = feed_sources.page(request.user, before=before)
        count = len(page.items)
        return fragment(
            request,
            "core/_feed_items.html",
            {"page": page, "more": True},
            message=ngettext("%(count)s more item", "%(count)s more items", count)
            % {"count": count},
        )
    return render(
        request,
        "core/feed.html",
        {"feed": feed_sources.page(request.user, before=before), "later_page": before is not None},
    )


@login_required
@require_POST
def checklist_dismiss(request):
    """Hide the first-week checklist of the member's home page."""
    checklist_dismiss_service(user=request.user)
    messages.success(request, _("The first steps are hidden."))
    return redirect("home")


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


def design(request):
    """The living reference of the design system (docs/design.md): every component as the
    templates render it."""
    from types import SimpleNamespace

    people = [
        SimpleNamespace(get_full_name=lambda name=name: name, photo=None)
        for name in ("Camille Lefèvre", "Mohamed Benali", "Élodie Martin", "Jean-Pierre Roux")
    ]
    return render(request, "core/design.html", {"people": people})


def share_mastodon(request):
    """The share form's Mastodon step (no JavaScript): off to the member's own instance's
    share page, or back with a clear message when what they typed is not an instance."""
    instance = clean_instance(request.GET.get("instance", ""))
    text = (request.GET.get("texte") or "").replace("\x00", "")[:1000]
    if instance is None or not text:
        messages.error(
            request,
            _("Type the address of your Mastodon instance, for example mastodon.social."),
        )
        return render(request, "core/share_mastodon.html", status=400)
    return redirect(mastodon_share_url(instance, text))
