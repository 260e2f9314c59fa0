"""The search page (``/recherche/``) and the header's suggestions (``/recherche/suggestions/``):
the types registered in ``parvis.core.search``, one query each with a ``LIMIT``, or none when
their results are reused (``search.group_results``). Visitors' pages and suggestions are whole
pages of the page cache besides (``pagecache.public_page``)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import pagecache, search
from .pagecache import public_page
from .routers import replica_reads

#: The query parameters the search page reads (the rest neither reaches it nor makes another
#: cached page).
PARAMS = ("q", "type", "page")


def _page_number(request):
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and len(value) < 6 else 1


@require_GET
@public_page(params=PARAMS, dynamic=True)
@replica_reads
def search_page(request):
    """Every type's best matches, grouped; or, with ``?type=<key>``, that type only, by pages
    (a capped count and the page: two queries). What each type shows is declared by its
    results (``search.group_results``, ``search.page_of``)."""
    query = search.Query.parse(request.GET.get("q", ""))
    key = request.GET.get("type", "")
    provider = search.providers.get(key) if key else None
    context = {"query": query, "providers": search.providers.all(), "provider": provider}
    if key and provider is None:
        context["unknown_type"] = True
    if provider is not None:
        page = None
        if query:
            page = search.page_of(provider, request.user, query, _page_number(request))
        context["page"] = page
    elif query:
        context["groups"] = groups = search.search_all(request.user, query)
        context["groups_html"] = _groups_html(groups)
    status = 404 if context.get("unknown_type") else 200
    return render(request, "core/search.html", context, status=status)


def _groups_html(groups):
    """The results' HTML, rendered once for the same results in the same language (members
    share most of them: ``search.group_results``)."""
    shown = tuple(
        (group.key, group.see_all_url, tuple((r.title, r.url, r.detail) for r in group.results))
        for group in groups
    )
    return pagecache.fragment(
        ("search:groups:v1", shown, translation.get_language()),
        lambda: render_to_string("core/_search_groups.html", {"groups": groups}),
        seconds=settings.PARVIS_FRAGMENT_CACHE_SECONDS,
    )


@require_GET
@never_cache
@public_page(params=("q",), dynamic=True)
@replica_reads
def suggestions(request):
    """The header's typeahead: a few results of each type, as JSON: the first ones of the
    search page's, reused with them (typing a word and pressing Enter costs one search)."""
    query = search.Query.parse(request.GET.get("q", ""))
    groups = search.search_all(request.user, query, limit=search.SUGGESTION_LIMIT)
    return JsonResponse(
        {
            "q": query.text,
            "url": f"{reverse('search')}?{query.urlencoded}",
            "groups": [
                {
                    "type": group.key,
                    "label": str(group.label),
                    "see_all_url": group.see_all_url,
                    "results": [result.__dict__ for result in group.results],
                }
                for group in groups
            ],
        }
    )
