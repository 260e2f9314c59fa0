"""``/api/recherche/``: the search box's results for the API caller, by the same rules as the
search page (``parvis.core.search``): every registered type's best matches, or one type by
pages. Only what the caller may see; never hidden nor deleted items."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from parvis.api.caching import CachedForVisitors
from parvis.api.registry import router

from . import search

MAX_PAGE = 25  # pages of PER_PAGE results: beyond, narrow the words


class SearchBoxResultSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(help_text="The item's page on the site.")
    detail = serializers.CharField(help_text="What distinguishes it: date, commune, kind...")


class SearchTypeGroupSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The type's key (the `type` parameter).")
    label = serializers.CharField()
    see_all_url = serializers.CharField(help_text="Every result of this type, on the site.")
    has_more = serializers.BooleanField()
    results = SearchBoxResultSerializer(many=True)


class SearchBoxSerializer(serializers.Serializer):
    q = serializers.CharField(help_text="The words searched, cleaned.")
    type = serializers.CharField(allow_blank=True, help_text="The type searched, or empty.")
    page = serializers.IntegerField(allow_null=True)
    has_next = serializers.BooleanField()
    groups = SearchTypeGroupSerializer(many=True)


def _page(value):
    if value in (None, ""):
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise ValidationError(
            {"page": [_("Give a page number from 1 to %(max)s.") % {"max": MAX_PAGE}]}
        )
    return int(value)


class SearchViewSet(CachedForVisitors, viewsets.ViewSet):
    """Search every type of content at once (the site's search box). Without `type`: a few
    results of each type that has any, best first, grouped by type. With `type`: that type
    only, `page` by `page` (20 results a page)."""

    # Anonymous answers are cached pages; each type's results are reused for everyone who
    # sees the same (``search.group_results``) and declare what they show.
    page_cache_dynamic = True
    page_cache_params = ("q", "type", "page")
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words to look for."),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                description="One type only, by its key (`communes`, `evenements`, `groupes`, "
                "`discussions`, `organisations`, `elus`, `actualites`, `consultations`, "
                "`membres`, and those apps add): the `type` of each group of results.",
            ),
            OpenApiParameter("page", OpenApiTypes.INT, description="With `type`: the page."),
        ],
        responses={200: SearchBoxSerializer},
    )
    def list(self, request):
        params = request.query_params
        query = search.Query.parse(params.get("q", ""))
        key = params.get("type", "")
        data = {"q": query.text, "type": key, "page": None, "has_next": False, "groups": []}
        if key:
            provider = search.providers.get(key)
            if provider is None:
                keys = ", ".join(p.key for p in search.providers.all())
                raise ValidationError(
                    {"type": [_("Unknown type. Choose one of: %(types)s.") % {"types": keys}]}
                )
            page = _page(params.get("page"))
            data["page"] = page
            if query:
                start = (page - 1) * search.PER_PAGE
                results = search.results_between(
                    provider, request.user, query, start, start + search.PER_PAGE + 1
                )
                data["has_next"] = len(results) > search.PER_PAGE
                if results:
                    group = search.Group(
                        provider=provider,
                        results=results[: search.PER_PAGE],
                        has_more=data["has_next"],
                        see_all_url=search.see_all_url(provider, query),
                    )
                    data["groups"] = [_group(group)]
        else:
            data["groups"] = [_group(group) for group in search.search_all(request.user, query)]
        return Response(SearchBoxSerializer(data).data)


def _group(group):
    return {
        "type": group.key,
        "label": str(group.label),
        "see_all_url": group.see_all_url,
        "has_more": group.has_more,
        "results": [result.__dict__ for result in group.results],
    }


router.register("recherche", SearchViewSet, basename="api-search", order=90)
