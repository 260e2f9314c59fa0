"""The pagination of the groups' API: 20 groups or discussions a page, search results
counted up to 500, and the messages of a discussion by ranges of positions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from parvis.core.pagination import CappedPaginator, PagePagination

from ..models import MESSAGES_PER_PAGE
from ..selectors import thread_messages, thread_page_count


class GroupPagination(PagePagination):
    page_size = 20


class ThreadPagination(PagePagination):
    page_size = 20


class SearchPagination(PagePagination):
    """20 results a page; ``count`` stops at 500 (refine the words beyond)."""

    page_size = 20
    django_paginator_class = CappedPaginator


class MessagePagination(BasePagination):
    """The messages of a discussion, 30 a page as on the site: a page is a range of positions
    (no OFFSET, no COUNT), so any page costs the same."""

    page_query_param = "page"

    def paginate_queryset(self, queryset, request, view=None):
        thread = view.get_thread()
        self.request = request
        self.count = thread.message_count
        self.pages = thread_page_count(thread)
        raw = request.query_params.get(self.page_query_param, "1")
        number = int(raw) if raw.isdigit() and len(raw) < 10 else 0
        if not 1 <= number <= self.pages:
            raise exceptions.NotFound(_("Invalid page."))
        self.number = number
        return thread_messages(thread, page=number)

    def _link(self, number):
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "pages": self.pages,
                "next": self._link(self.number + 1) if self.number < self.pages else None,
                "previous": self._link(self.number - 1) if self.number > 1 else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "pages", "results"],
            "properties": {
                "count": {"type": "integer", "example": 42},
                "pages": {"type": "integer", "example": 2},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": f"Page number ({MESSAGES_PER_PAGE} messages a page).",
                "schema": {"type": "integer"},
            }
        ]
