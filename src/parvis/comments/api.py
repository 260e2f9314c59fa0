"""The API of comments and reactions (``/api/commentaires/``, ``/api/reactions/``): the same
selectors and services as the pages.

Everyone reads the comments and reactions of an item they may see (``?cible=agenda.event:42``);
members comment, reply, edit and delete their own comments, react (one reaction per item,
a new one replaces it) and take their reaction back. Staff (and a consultation's institution,
on its comments) remove a comment with a reason.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parvis.api.registry import router
from parvis.api.serializers import PersonReferenceSerializer
from parvis.moderation.selectors import annotate_hidden, hidden_from

from . import services
from .models import BODY_MAX_LENGTH, EMOJI, Comment, ReactionKind
from .selectors import attach_reactions, comment_by_pk, reactions_of
from .targets import key_of, visible_item

TARGET_PARAMETER = OpenApiParameter(
    "cible",
    str,
    required=True,
    description="The item: `agenda.event:<id>`, `news.post:<id>`, "
    "`consultations.consultation:<id>`, `groups.message:<id>` or `comments.comment:<id>`.",
)


def _item(request, key):
    _type, item = visible_item(key or "", request.user)
    if item is None:
        raise exceptions.NotFound()
    return item


class CommentAuthorSerializer(PersonReferenceSerializer):
    pass


class CommentSerializer(serializers.Serializer):
    """A comment as the API shows it: its text is withheld when it is deleted or hidden by
    moderation (for everyone but its author and staff)."""

    id = serializers.IntegerField(read_only=True)
    target = serializers.CharField(read_only=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    author = CommentAuthorSerializer(read_only=True, allow_null=True)
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    edited_at = serializers.DateTimeField(read_only=True)
    deleted = serializers.SerializerMethodField()

    def _withheld(self, comment) -> bool:
        return comment.deleted_at is not None or hidden_from(comment, self.context["request"].user)

    def get_body(self, comment) -> str:
        return "" if self._withheld(comment) else comment.body

    def get_body_html(self, comment) -> str:
        return "" if self._withheld(comment) else comment.body_html

    def get_deleted(self, comment) -> bool:
        return comment.deleted_at is not None


class CommentWriteSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=80, help_text="The item, e.g. `agenda.event:42`.")
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)
    parent = serializers.IntegerField(required=False, allow_null=True)


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)


class CommentRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


@extend_schema_view(list=extend_schema(parameters=[TARGET_PARAMETER]))
class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Comments on events, news posts and consultations, oldest first (replies carry their
    `parent`). On a consultation, only identified members (verified e-mail, commune given)
    comment: the others get 403 with the reason."""

    serializer_class = CommentSerializer
    filter_backends = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if self.action == "list":
            item = _item(self.request, self.request.query_params.get("cible"))
            comments = Comment.objects.filter(target=key_of(item))
        else:
            comments = Comment.objects.all()
        return annotate_hidden(comments).select_related("author").order_by("created_at", "pk")

    def get_object(self):
        comment = comment_by_pk(self.kwargs.get("pk"))
        if comment is None:
            raise Http404
        _item(self.request, comment.target)  # 404 when its item is not visible
        return comment

    def _read(self, comment, code=status.HTTP_200_OK):
        comment = comment_by_pk(comment.pk)
        return Response(CommentSerializer(comment, context={"request": self.request}).data, code)

    @extend_schema(request=CommentWriteSerializer, responses={201: CommentSerializer})
    def create(self, request, *args, **kwargs):
        """Comment on an item, or reply to one of its comments (`parent`)."""
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = _item(request, data["target"])
        parent = comment_by_pk(data.get("parent")) if data.get("parent") else None
        if data.get("parent") and parent is None:
            raise exceptions.ValidationError({"parent": [_("This comment does not exist.")]})
        comment = services.comment_post(
            item=item, author=request.user, body=data["body"], parent=parent
        )
        return self._read(comment, status.HTTP_201_CREATED)

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Edit your comment."""
        comment = self.get_object()
        serializer = CommentEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.comment_edit(
            comment=comment, editor=request.user, body=serializer.validated_data["body"]
        )
        return self._read(comment)

    def destroy(self, request, *args, **kwargs):
        """Delete your comment (a "comment deleted" note keeps its replies readable)."""
        comment = self.get_object()
        if comment.author_id != request.user.pk:
            raise exceptions.PermissionDenied(_("You may only delete your own comments."))
        services.comment_delete(comment=comment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CommentRemoveSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"], url_path="retirer")
    def remove(self, request, pk=None):
        """Staff, and the agents of a consultation's institution on its comments: remove a
        comment, with the reason sent to its author."""
        comment = self.get_object()
        serializer = CommentRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.comment_delete(
            comment=comment, actor=request.user, reason=serializer.validated_data.get("reason", "")
        )
        return self._read(comment)


class ReactionCountSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    emoji = serializers.CharField()
    count = serializers.IntegerField()
    mine = serializers.BooleanField()


class ReactorSerializer(PersonReferenceSerializer):
    pass


class ReactionRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    member = ReactorSerializer(source="user")
    created_at = serializers.DateTimeField()


class ReactionSummarySerializer(serializers.Serializer):
    """An item's reactions: the count of each (and whether you chose it), and who reacted."""

    target = serializers.CharField(source="reaction_key")
    total = serializers.IntegerField(source="reaction_total")
    counts = ReactionCountSerializer(source="reactions", many=True)
    members = serializers.SerializerMethodField()

    def get_members(self, item) -> ReactionRowSerializer(many=True):
        rows = reactions_of(item.reaction_key)[:500]
        return ReactionRowSerializer(rows, many=True).data


class ReactionWriteSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=80)
    kind = serializers.ChoiceField(
        choices=ReactionKind.choices,
        help_text=", ".join(f"`{kind}` {EMOJI[kind]}" for kind in ReactionKind.values),
    )


class ReactionTargetSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=80)


class ReactionViewSet(viewsets.GenericViewSet):
    """Reactions (👍 like, ❤️ thanks, 🎉 well done, 💡 useful) on events, news posts, group
    messages and comments: one per member and item; a new one replaces the former."""

    serializer_class = ReactionSummarySerializer
    filter_backends = []
    pagination_class = None

    def _summary(self, item, code=status.HTTP_200_OK):
        attach_reactions([item], self.request.user)
        return Response(ReactionSummarySerializer(item).data, code)

    @extend_schema(parameters=[TARGET_PARAMETER], responses=ReactionSummarySerializer)
    def list(self, request):
        """The reactions of one item."""
        return self._summary(_item(request, request.query_params.get("cible")))

    @extend_schema(request=ReactionWriteSerializer, responses=ReactionSummarySerializer)
    def create(self, request):
        """React to an item (replaces your former reaction to it)."""
        serializer = ReactionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = _item(request, serializer.validated_data["target"])
        services.reaction_set(item=item, user=request.user, kind=serializer.validated_data["kind"])
        return self._summary(item)

    @extend_schema(request=ReactionTargetSerializer, responses=ReactionSummarySerializer)
    @action(detail=False, methods=["post"], url_path="retirer")
    def remove(self, request):
        """Take back your reaction to an item."""
        serializer = ReactionTargetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = _item(request, serializer.validated_data["target"])
        services.reaction_remove(item=item, user=request.user)
        return self._summary(item)


router.register("commentaires", CommentViewSet, basename="api-comment", order=90)
router.register("reactions", ReactionViewSet, basename="api-reaction", order=91)
