"""The private messages' API (``/api/messages/``): for the member who takes part, with the same
selectors and services as the pages (the same refusals, as 400 or 403 with their message).

- ``GET /api/messages/`` the member's conversations (``?q=`` searches them), latest first;
- ``POST /api/messages/`` starts one (with members, an organisation or an elected official);
- ``GET /api/messages/{id}/`` one conversation; ``GET /api/messages/{id}/messages/`` its
  messages, oldest first, paginated; ``POST`` there sends one (an image as multipart);
- ``POST /api/messages/{id}/lu/`` marks it read.
"""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from parvis.accounts.models import User
from parvis.accounts.selectors import member_is_visible_to
from parvis.api.registry import router
from parvis.organisations.models import Organisation

from . import selectors, services
from .models import BODY_MAX_LENGTH, MAX_PARTICIPANTS, SUBJECT_MAX_LENGTH


class ConversationSerializer(serializers.Serializer):
    """A conversation as one participant sees it."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.SerializerMethodField(help_text="Its subject, else the other names.")
    subject = serializers.CharField(read_only=True)
    with_ = serializers.SerializerMethodField(
        method_name="get_with_", help_text="The other participants, as named."
    )
    organisation = serializers.CharField(
        source="organisation.slug",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The organisation written to (its slug), if any.",
    )
    official = serializers.IntegerField(
        source="official_id",
        read_only=True,
        allow_null=True,
        help_text="The elected official written to (their id), if any.",
    )
    last_message_at = serializers.DateTimeField(read_only=True)
    message_count = serializers.IntegerField(read_only=True)
    unread = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    def get_fields(self):
        fields = super().get_fields()
        fields["with"] = fields.pop("with_")
        return fields

    def _viewer(self):
        return self.context["request"].user

    def get_title(self, conversation) -> str:
        return selectors.conversation_title(conversation, self._viewer())

    def get_with_(self, conversation) -> list[str]:
        return selectors.counterparts(conversation, self._viewer())

    def get_unread(self, conversation) -> bool:
        unread = getattr(conversation, "unread", None)
        if unread is None:
            read_at = conversation.participation.last_read_at
            unread = read_at is None or conversation.last_message_at > read_at
        return bool(unread)

    def get_web_url(self, conversation) -> str:
        return self.context["request"].build_absolute_uri(conversation.get_absolute_url())


class PrivateMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    sender = serializers.SerializerMethodField(help_text="Who wrote it, as participants read it.")
    mine = serializers.SerializerMethodField()
    body = serializers.CharField(read_only=True)
    image_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    removed = serializers.SerializerMethodField(help_text="Removed by a moderator.")

    def get_sender(self, message) -> str:
        return selectors.sender_label(message, self.context["conversation"])

    def get_mine(self, message) -> bool:
        return message.sender_id == self.context["request"].user.pk

    def get_image_url(self, message) -> str | None:
        if not message.attachment or message.removed_at:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("conversations:attachment", args=[message.conversation_id, message.pk])
        )

    def get_removed(self, message) -> bool:
        return message.removed_at is not None


class PrivateMessageSendSerializer(serializers.Serializer):
    body = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=BODY_MAX_LENGTH
    )
    image = serializers.FileField(required=False, help_text="One image (multipart).")


class ConversationStartSerializer(PrivateMessageSendSerializer):
    """Whom to write to: ``recipients`` (members' ids), or ``organisation`` (a slug: its
    managers answer), or ``official`` (an elected official's id: they and their team)."""

    recipients = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=MAX_PARTICIPANTS - 1
    )
    organisation = serializers.CharField(required=False, max_length=170)
    official = serializers.IntegerField(required=False)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=SUBJECT_MAX_LENGTH)


def _member(pk, viewer):
    member = User.objects.filter(pk=pk, is_active=True).first()
    if member is None or not member_is_visible_to(member, viewer):
        raise exceptions.ValidationError({"recipients": [_("No member has the id %d.") % pk]})
    return member


class IsIdentified(permissions.IsAuthenticated):
    pass


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Subject, names or messages.")
        ]
    ),
    create=extend_schema(
        request=ConversationStartSerializer, responses={201: ConversationSerializer}
    ),
)
class ConversationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The private conversations of the authenticated member (never anyone else's)."""

    serializer_class = ConversationSerializer
    permission_classes = [IsIdentified]
    filter_backends = []
    lookup_value_regex = "[0-9]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.conversations_of(
            self.request.user, query=self.request.query_params.get("q", "")[:100]
        )

    def get_object(self):
        conversation = selectors.conversation_for(self.kwargs["pk"], self.request.user)
        if conversation is None:
            raise Http404
        return conversation

    def create(self, request, *args, **kwargs):
        serializer = ConversationStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = {}
        if data.get("recipients"):
            target["recipients"] = [_member(pk, request.user) for pk in data["recipients"]]
        if data.get("organisation"):
            organisation = Organisation.objects.filter(slug=data["organisation"]).first()
            if organisation is None:
                raise exceptions.ValidationError(
                    {"organisation": [_("No organisation has this slug.")]}
                )
            target["organisation"] = organisation
        if data.get("official") is not None:
            target["official"] = _member(data["official"], request.user)
        conversation = services.conversation_start(
            author=request.user,
            subject=data.get("subject", ""),
            body=data.get("body", ""),
            attachment=data.get("image"),
            **target,
        )
        conversation = selectors.conversation_for(conversation.pk, request.user)
        return Response(
            ConversationSerializer(conversation, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        methods=["get"], responses=PrivateMessageSerializer(many=True), summary="Read the messages"
    )
    @extend_schema(
        methods=["post"],
        request=PrivateMessageSendSerializer,
        responses={201: PrivateMessageSerializer},
        summary="Send a message",
    )
    @action(detail=True, methods=["get", "post"], url_path="messages")
    def messages(self, request, pk=None):
        conversation = self.get_object()
        context = {**self.get_serializer_context(), "conversation": conversation}
        if request.method == "POST":
            serializer = PrivateMessageSendSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            message = services.message_send(
                conversation=conversation,
                sender=request.user,
                body=serializer.validated_data.get("body", ""),
                attachment=serializer.validated_data.get("image"),
            )
            return Response(
                PrivateMessageSerializer(message, context=context).data,
                status=status.HTTP_201_CREATED,
            )
        page = self.paginate_queryset(selectors.messages_for(conversation, request.user))
        return self.get_paginated_response(
            PrivateMessageSerializer(page, many=True, context=context).data
        )

    @extend_schema(request=None, responses={204: None}, summary="Mark as read")
    @action(detail=True, methods=["post"], url_path="lu")
    def read(self, request, pk=None):
        conversation = self.get_object()
        services.conversation_mark_read(participant=conversation.participation)
        return Response(status=status.HTTP_204_NO_CONTENT)


router.register("messages", ConversationViewSet, basename="api-conversation", order=85)
