"""The search of the groups' API: messages and discussions matching words, in the groups the
caller may read (``/api/groupes/recherche/`` and ``recherche/discussions/``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action

from parvis.moderation.selectors import visible

from .. import search
from ..models import Message, Thread
from ..selectors import messages_visible_to, threads_visible_to
from .common import NOT_FOUND, SEARCH_PARAMETERS, readable_group, search_words
from .pagination import SearchPagination
from .serializers import MessageResultSerializer, ThreadResultSerializer


class SearchActions:
    """``recherche/`` and ``recherche/discussions/`` on the groups (``GroupViewSet``)."""

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses={200: MessageResultSerializer(many=True), 400: OpenApiResponse(), 404: NOT_FOUND},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="recherche",
        url_name="search",
        pagination_class=SearchPagination,
    )
    def search(self, request):
        """Messages matching the words in the groups the caller may read (public groups; for
        members, their private groups too), newest first. Deleted messages are never found."""
        words, group = self._search_scope(request)
        if group is None:
            messages = messages_visible_to(request.user)
        else:
            messages = visible(
                Message.objects.filter(thread__group=group, thread__deleted_at__isnull=True),
                request.user,
            )
        results = (
            search.matching(
                messages.filter(deleted_at__isnull=True),
                words=words,
                vector=search.message_vector(),
                fallback_fields=("body",),
            )
            .select_related("author", "thread", "thread__group")
            .order_by("-created_at", "-pk")
        )
        page = self.paginate_queryset(results)
        context = self.get_serializer_context()
        return self.get_paginated_response(
            MessageResultSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses={200: ThreadResultSerializer(many=True), 400: OpenApiResponse(), 404: NOT_FOUND},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="recherche/discussions",
        url_name="search-threads",
        pagination_class=SearchPagination,
    )
    def search_threads(self, request):
        """Discussions whose title matches the words, in the groups the caller may read,
        most recently active first."""
        words, group = self._search_scope(request)
        threads = threads_visible_to(request.user)
        if group is not None:
            threads = Thread.objects.filter(group=group, deleted_at__isnull=True)
        results = (
            search.matching(
                threads, words=words, vector=search.thread_vector(), fallback_fields=("title",)
            )
            .select_related("group", "author", "last_message", "last_message__author")
            .order_by("-last_activity_at", "-pk")
        )
        page = self.paginate_queryset(results)
        return self.get_paginated_response(
            ThreadResultSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def _search_scope(self, request):
        words = search_words(request.query_params)
        if not words:
            raise exceptions.ValidationError({"q": [_("Type the words to look for.")]})
        slug = request.query_params.get("group", "").strip()
        group = readable_group(request.user, slug[:140]) if slug else None
        return words, group
