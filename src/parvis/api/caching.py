"""Visitors' API reads from the page cache (``core.pagecache``), rate limit included."""

from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings

from parvis.core import pagecache

PAGINATION_PARAMS = (
    "page_query_param",
    "page_size_query_param",
    "limit_query_param",
    "offset_query_param",
    "cursor_query_param",
)


class CachedForVisitors:
    """A viewset mixin: an anonymous ``GET`` (no session, no token) is answered from the page
    cache while none of ``page_cache_tags`` (and of the items the answer holds) was retired.
    The query string is reduced to ``page_cache_params`` plus the pagination's and the format's
    parameters. A cached answer still counts against the caller's rate limit (``429`` past it,
    as uncached), once (not again when the answer is rendered anew after it was served)."""

    page_cache_tags: tuple = ()
    #: The viewset names what it shows while answering (``pagecache.depends_on``).
    page_cache_dynamic: bool = False
    page_cache_params: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        return pagecache.serve(
            request,
            pagecache.declared_tags(self.page_cache_tags, kwargs),
            lambda: super(CachedForVisitors, self).dispatch(request, *args, **kwargs),
            params=frozenset((*self.page_cache_params, *self._common_params())),
            refuse=lambda request: self._throttled(request, *args, **kwargs),
        )

    def check_throttles(self, request):
        """DRF's rate limit, except while the page cache renders anew an answer it served
        stale (``pagecache.RENEWAL``): that request was counted when it was served."""
        if not getattr(request, pagecache.RENEWAL, False):
            super().check_throttles(request)

    def _common_params(self):
        """The pagination's, the format's and the filter set's parameters."""
        names = [api_settings.URL_FORMAT_OVERRIDE]
        for attribute in PAGINATION_PARAMS:
            name = getattr(self.pagination_class, attribute, None)
            if name:
                names.append(name)
        filterset = getattr(self, "filterset_class", None)
        if filterset is not None:
            names.extend(filterset.base_filters)
        return names

    def _throttled(self, request, *args, **kwargs):
        """DRF's own rate limit on a cached answer: its ``429`` response, or ``None``."""
        self.args, self.kwargs = args, kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers
        try:
            self.check_throttles(drf_request)
        except Throttled as exc:
            response = self.finalize_response(drf_request, self.handle_exception(exc))
            return response.render()
        return None
