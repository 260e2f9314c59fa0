"""Paginators shared by the pages and the API."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: a ``LIMIT`` inside the count, so that a long list (search
    results over millions of messages, every upcoming date) costs no more than ``cap`` rows to
    count. Beyond, the page says "more than" and the reader narrows the filters: ``truncated``
    tells whether the cap was reached (once ``count`` was read)."""

    cap = 500
    truncated = False

    def __init__(self, object_list, per_page, *args, cap=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if cap is not None:
            self.cap = cap

    @cached_property
    def count(self):
        counted = self.object_list[: self.cap + 1].count()
        self.truncated = counted > self.cap
        return min(counted, self.cap)
