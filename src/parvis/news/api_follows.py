"""The API of follows (``/api/abonnements/``): what the member follows, follow, unfollow —
territories, organisations, members (who allow it, or verified officials), groups and
discussions, through the same services as the "Follow" buttons."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from parvis.accounts.models import User
from parvis.api.registry import router
from parvis.groups.models import Group, Thread
from parvis.groups.selectors import group_is_visible_to, thread_is_visible_to
from parvis.organisations.models import Organisation
from parvis.organisations.selectors import organisation_is_visible_to
from parvis.territories.models import Territory

from . import services
from .selectors import follows_of

#: ``kind`` → (model, field of ``Follow``).
KINDS = {
    "territory": (Territory, "territory"),
    "organisation": (Organisation, "organisation"),
    "member": (User, "followed_user"),
    "group": (Group, "group"),
    "thread": (Thread, "thread"),
}


def _kind_of(follow):
    for kind, (_model, field) in KINDS.items():
        if getattr(follow, f"{field}_id"):
            return kind, getattr(follow, field)
    return "", None


class FollowSerializer(serializers.Serializer):
    """One thing the member follows."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.SerializerMethodField()
    target_id = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def get_kind(self, follow) -> str:
        return _kind_of(follow)[0]

    def get_target_id(self, follow) -> int:
        return _kind_of(follow)[1].pk

    def get_name(self, follow) -> str:
        target = _kind_of(follow)[1]
        return getattr(target, "title", None) or str(target)

    def get_web_url(self, follow) -> str:
        target = _kind_of(follow)[1]
        return target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""


class FollowWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS))
    target_id = serializers.IntegerField(min_value=1)


def _target(request, kind, pk):
    model, _field = KINDS[kind]
    target = model.objects.filter(pk=pk).first()
    visible = target is not None and (
        (model is Organisation and organisation_is_visible_to(target, request.user))
        or (model is Group and group_is_visible_to(target, request.user))
        or (model is Thread and thread_is_visible_to(target, request.user))
        or (model is User and target.is_active)
        or model is Territory
    )
    if not visible:
        raise exceptions.NotFound(_("There is nothing to follow here."))
    return target


class FollowViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """What you follow ("Mes abonnements"); follow with `kind` and `target_id`, unfollow by
    deleting the follow."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = FollowSerializer
    filter_backends = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return follows_of(self.request.user).order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = FollowWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = _target(request, data["kind"], data["target_id"])
        follow = services.follow_create(user=request.user, target=target)
        follow = self.get_queryset().get(pk=follow.pk)
        return Response(FollowSerializer(follow).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        follow = self.get_object()
        services.follow_delete(user=request.user, target=follow.target)
        return Response(status=status.HTTP_204_NO_CONTENT)


router.register("abonnements", FollowViewSet, basename="api-follow", order=92)
