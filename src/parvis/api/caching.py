"""Visitors' API reads from the page cache (``core.pagecache``), rate limit included."""

from rest_framework.exceptions import Throttled

from parvis.core import pagecache


class CachedForVisitors:
    """A viewset mixin: an anonymous ``GET`` (no session, no token) is answered from the page
    cache when the same URL was rendered since the last write to ``page_cache_apps``. A cached
    answer still counts against the caller's rate limit (``429`` past it, as uncached)."""

    page_cache_apps: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        return pagecache.serve(
            request,
            self.page_cache_apps,
            lambda: super(CachedForVisitors, self).dispatch(request, *args, **kwargs),
            refuse=lambda request: self._throttled(request, *args, **kwargs),
        )

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
