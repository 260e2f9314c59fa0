"""Paginators shared by the pages and the API."""

from django.core import paginator as django_paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


def _integer(number):
    """``number`` (as a page number comes: text, integer...) as an integer, or ``None`` when it
    is not one (as Django's paginator reads it)."""
    if isinstance(number, float) and not number.is_integer():
        return None
    try:
        return int(number)
    except (TypeError, ValueError):
        return None


class Paginator(django_paginator.Paginator):
    """Django's, counting only when it must: the first page of a list is read with one row
    more than it holds; when that row is not there (most lists filtered on a commune, a
    category, a date), the list is no longer than what was read, and the count costs no query.
    Otherwise, and for the other pages, the count is a query as with Django's."""

    def validate_number(self, number):
        integer = _integer(number)
        if integer is None:  # no page asked: known before counting, unlike Django's
            raise django_paginator.PageNotAnInteger(self.error_messages["invalid_page"])
        if integer == 1 and self.allow_empty_first_page:
            return 1  # the first page always exists: no need to count to know it
        return super().validate_number(integer)

    def page(self, number):
        number = self.validate_number(number)
        if number != 1 or "count" in self.__dict__ or not isinstance(self.object_list, QuerySet):
            return super().page(number)
        size = self.per_page + self.orphans  # what the first page holds when there is no second
        rows = list(self.object_list[: size + 1])
        if len(rows) <= size:
            self._known_count(len(rows))
            return self._get_page(rows, 1, self)
        return self._get_page(rows[: self.per_page], 1, self)

    def _known_count(self, count):
        self.__dict__["count"] = count


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: a ``LIMIT`` inside the count, so that a long list (search
    results over millions of messages, every upcoming date) costs no more than ``cap`` rows to
    count. Beyond, the page says "more than" and the reader narrows the filters: ``truncated``
    tells whether the cap was reached."""

    cap = 500
    _truncated = False

    def __init__(self, object_list, per_page, *args, cap=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if cap is not None:
            self.cap = cap

    @cached_property
    def count(self):
        counted = self.object_list[: self.cap + 1].count()
        self._truncated = counted > self.cap
        return min(counted, self.cap)

    @property
    def truncated(self) -> bool:
        self.count  # noqa: B018 - counted first when the first page did not tell it
        return self._truncated

    def _known_count(self, count):
        super()._known_count(min(count, self.cap))
        self._truncated = count > self.cap


class PagePagination(PageNumberPagination):
    """DRF's page numbers, with the paginator above (the API's default)."""

    django_paginator_class = Paginator
