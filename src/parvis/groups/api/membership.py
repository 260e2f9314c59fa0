"""Membership through the groups' API: join an open group, leave it, ask to join a group whose
moderators accept members (and withdraw the request). Actions of ``GroupViewSet``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import services
from ..selectors import pending_request_of
from .common import NOT_FOUND
from .serializers import (
    DiscussionGroupDetailSerializer,
    JoinRequestSerializer,
    JoinRequestWriteSerializer,
)


class MembershipActions:
    """``rejoindre/``, ``quitter/`` and ``demander/`` on a group (``GroupViewSet``)."""

    @extend_schema(
        request=None,
        responses={
            200: DiscussionGroupDetailSerializer,
            400: OpenApiResponse(description="Already a member, not an open group, closed."),
            403: OpenApiResponse(description="Not an identified member, or banned."),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="rejoindre", url_name="join")
    def join(self, request, slug=None):
        """Join an open group."""
        group = self.get_object()
        services.membership_join(group=group, user=request.user)
        return self._detail(group)

    @extend_schema(
        request=None,
        responses={
            200: DiscussionGroupDetailSerializer,
            400: OpenApiResponse(description="Not a member."),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="quitter", url_name="leave")
    def leave(self, request, slug=None):
        """Leave the group: a private group's discussions are unreadable at once. The owner's
        group passes to a moderator (else to the longest-standing member)."""
        group = self.get_object()
        services.membership_leave(group=group, user=request.user)
        return self._detail(group)

    @extend_schema(
        methods=["POST"],
        request=JoinRequestWriteSerializer,
        responses={
            201: JoinRequestSerializer,
            400: OpenApiResponse(description="Already asked or a member, open group..."),
            403: OpenApiResponse(description="Not an identified member, or banned."),
            404: NOT_FOUND,
        },
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={
            204: OpenApiResponse(description="The request is withdrawn."),
            400: OpenApiResponse(description="No pending request."),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post", "delete"], url_path="demander", url_name="request")
    def request_membership(self, request, slug=None):
        """POST: ask to join a group whose moderators accept members (with an optional
        message to them). DELETE: withdraw one's pending request."""
        group = self.get_object()
        if request.method == "DELETE":
            join_request = pending_request_of(request.user, group)
            if join_request is None:
                raise exceptions.ValidationError([_("You have no pending request for this group.")])
            services.request_withdraw(join_request=join_request, user=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = JoinRequestWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        join_request = services.membership_request(
            group=group,
            user=request.user,
            message=serializer.validated_data.get("message", ""),
        )
        return Response(JoinRequestSerializer(join_request).data, status=status.HTTP_201_CREATED)
