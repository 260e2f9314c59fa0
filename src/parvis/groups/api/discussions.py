"""The discussions of the groups' API: a group's discussions
(``/api/groupes/<slug>/discussions/``) and a discussion's messages (``.../messages/``), read as
the group's content and written through the services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response

from parvis.moderation.selectors import annotate_hidden

from .. import search, services
from ..models import Message, Thread
from ..selectors import (
    group_threads,
    mark_unread,
    membership_of,
    message_in_thread,
    thread_for_page,
)
from .common import (
    GROUP_SLUG,
    NOT_FOUND,
    OBJECT_ID,
    THREAD_PK,
    int_or_none,
    readable_group,
    search_words,
)
from .pagination import MessagePagination, ThreadPagination
from .serializers import (
    MessageDeleteSerializer,
    MessageEditSerializer,
    MessageSerializer,
    MessageWriteSerializer,
    ThreadDetailSerializer,
    ThreadSerializer,
    ThreadWriteSerializer,
)


@extend_schema(parameters=[GROUP_SLUG])
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words of the title."),
        ],
        responses={200: ThreadSerializer(many=True), 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        parameters=[OBJECT_ID], responses={200: ThreadDetailSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        request=ThreadWriteSerializer,
        responses={
            201: ThreadDetailSerializer,
            400: OpenApiResponse(description="Empty or too long, closed group..."),
            403: OpenApiResponse(description="Only the group's members start discussions."),
            404: NOT_FOUND,
        },
    ),
)
class ThreadViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The discussions of a group, pinned first then by latest activity. Readable as the
    group's content: a private group's discussions answer 404 to non-members."""

    queryset = Thread.objects.none()  # for the schema
    filter_backends = []
    lookup_value_regex = "[0-9]+"
    serializer_class = ThreadSerializer
    pagination_class = ThreadPagination

    def get_group(self):
        if not hasattr(self, "_group"):
            self._group = readable_group(self.request.user, self.kwargs["group_slug"])
        return self._group

    def get_queryset(self):
        group = self.get_group()
        threads = group_threads(group, self.request.user)
        words = search_words(self.request.query_params)
        if words:
            threads = search.matching(
                threads, words=words, vector=search.thread_vector(), fallback_fields=("title",)
            )
        return threads

    def get_object(self):
        group = self.get_group()
        thread = thread_for_page(group, self.kwargs["pk"])
        if thread is None:
            raise exceptions.NotFound()
        thread = (
            Thread.objects.filter(pk=thread.pk)
            .select_related("author", "last_message", "last_message__author")
            .get()
        )
        thread.group = group
        return thread

    def _detail(self, thread, status_code=status.HTTP_200_OK):
        return Response(
            ThreadDetailSerializer(thread, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def list(self, request, *args, **kwargs):
        group = self.get_group()
        page = self.paginate_queryset(self.get_queryset())
        for thread in page:
            thread.group = group
        mark_unread(page, membership_of(request.user, group))
        context = self.get_serializer_context()
        return self.get_paginated_response(ThreadSerializer(page, many=True, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def create(self, request, *args, **kwargs):
        group = self.get_group()
        serializer = ThreadWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        thread = services.thread_create(
            group=group,
            author=request.user,
            title=serializer.validated_data["title"],
            body=serializer.validated_data["body"],
        )
        self.kwargs["pk"] = thread.pk
        return self._detail(self.get_object(), status.HTTP_201_CREATED)


# --- messages -----------------------------------------------------------------------------------


@extend_schema(parameters=[GROUP_SLUG, THREAD_PK])
@extend_schema_view(
    list=extend_schema(responses={200: MessageSerializer(many=True), 404: NOT_FOUND}),
    retrieve=extend_schema(
        parameters=[OBJECT_ID], responses={200: MessageSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        request=MessageWriteSerializer,
        responses={
            201: MessageSerializer,
            400: OpenApiResponse(
                description="Empty or too long, locked discussion, closed group, quoted "
                "message deleted or of another discussion..."
            ),
            403: OpenApiResponse(description="Only the group's members reply."),
            404: NOT_FOUND,
        },
    ),
    partial_update=extend_schema(
        parameters=[OBJECT_ID],
        request=MessageEditSerializer,
        responses={
            200: MessageSerializer,
            400: OpenApiResponse(description="Empty or too long, deleted, locked discussion."),
            403: OpenApiResponse(description="Only its author edits a message."),
            404: NOT_FOUND,
        },
    ),
    destroy=extend_schema(
        request=None,
        parameters=[
            OBJECT_ID,
            OpenApiParameter(
                "reason",
                OpenApiTypes.STR,
                description="Required when a moderator deletes someone else's message (sent "
                "to them); may also be sent in the body, as JSON.",
            ),
        ],
        responses={
            200: MessageSerializer,
            400: OpenApiResponse(description="Already deleted; a moderator gave no reason."),
            403: OpenApiResponse(description="Neither its author nor a moderator."),
            404: NOT_FOUND,
        },
    ),
)
class MessageViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The messages of a discussion, in order, 30 a page. A deleted message stays as a
    placeholder (without its text) so that the discussion keeps reading well."""

    queryset = Message.objects.none()  # for the schema
    filter_backends = []
    lookup_value_regex = "[0-9]+"
    serializer_class = MessageSerializer
    pagination_class = MessagePagination

    def get_thread(self):
        if not hasattr(self, "_thread"):
            group = readable_group(self.request.user, self.kwargs["group_slug"])
            thread = thread_for_page(group, self.kwargs["thread_pk"])
            if thread is None:
                raise exceptions.NotFound()
            self._thread = thread
        return self._thread

    def get_queryset(self):
        return Message.objects.filter(thread=self.get_thread())  # paginated by position

    def get_object(self):
        thread = self.get_thread()
        message = (
            annotate_hidden(Message.objects.filter(thread=thread))
            .filter(pk=int_or_none(self.kwargs["pk"]))
            .select_related("author", "quoted", "quoted__author")
            .first()
        )
        if message is None:
            raise exceptions.NotFound()
        message.thread = thread
        return message

    def _read(self, message, status_code=status.HTTP_200_OK):
        return Response(
            MessageSerializer(message, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def create(self, request, *args, **kwargs):
        """Reply in the discussion, optionally quoting one of its messages."""
        thread = self.get_thread()
        serializer = MessageWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quoted = None
        quoted_pk = serializer.validated_data.get("quoted")
        if quoted_pk is not None:
            quoted = message_in_thread(thread, quoted_pk)
            if quoted is None:
                raise exceptions.ValidationError(
                    {"quoted": [_("You can only quote a message of this discussion.")]}
                )
        message = services.message_post(
            thread=thread,
            author=request.user,
            body=serializer.validated_data["body"],
            quoted=quoted,
        )
        self.kwargs["pk"] = message.pk
        return self._read(self.get_object(), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        """Edit one's own message (its former text is kept for the moderators)."""
        message = self.get_object()
        serializer = MessageEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.message_edit(
            message=message,
            editor=request.user,
            body=serializer.validated_data["body"],
        )
        return self._read(self.get_object())

    def destroy(self, request, *args, **kwargs):
        """Delete one's own message (its text is erased), or, as a moderator of the group,
        someone else's with a ``reason`` sent to them. A placeholder stays."""
        message = self.get_object()
        data = request.data if request.data else {"reason": request.query_params.get("reason", "")}
        serializer = MessageDeleteSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        services.message_delete(
            message=message,
            actor=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return self._read(self.get_object())
