"""The groups themselves in the API: find them (filters, words), read one, create one. Joining
and leaving are in ``membership``, the search in ``search``: ``GroupViewSet`` gathers them."""

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

from parvis.territories.api import commune_in_query, territory_in_query
from parvis.territories.models import Territory, TerritoryKind

from .. import search, services
from ..models import Group, Membership, MembershipState, Theme, Visibility
from ..selectors import group_list, in_territory
from .common import NOT_FOUND, TRUE_VALUES, listed_group, search_words
from .membership import MembershipActions
from .pagination import GroupPagination
from .search import SearchActions
from .serializers import (
    DiscussionGroupDetailSerializer,
    DiscussionGroupSerializer,
    DiscussionGroupWriteSerializer,
)


def filtered_groups(groups, params, user):
    """``groups`` narrowed by the query string; a bad value answers 400 with a message."""
    errors = {}
    theme = params.get("theme", "").strip()
    if theme:
        if theme in Theme.values:
            groups = groups.filter(theme=theme)
        else:
            errors["theme"] = [
                _("Unknown theme: choose one of %(themes)s.") % {"themes": ", ".join(Theme.values)}
            ]
    visibility = params.get("visibility", "").strip()
    if visibility:
        if visibility in Visibility.values:
            groups = groups.filter(visibility=visibility)
        else:
            errors["visibility"] = [_("Choose public or private.")]
    named = (territory_in_query(params, errors), commune_in_query(params, errors))
    territories = [territory for territory in named if territory is not None]
    siren = params.get("epci", "").strip()
    if siren:
        epci = (
            Territory.objects.filter(kind=TerritoryKind.EPCI, code=siren).first()
            if siren.isdigit() and len(siren) == 9
            else None
        )
        if epci is None:
            errors["epci"] = [_("Give the 9-digit SIREN code of an intercommunality.")]
        else:
            territories.append(epci)
    for territory in territories:
        groups = groups.filter(in_territory(territory))
    if params.get("mine", "").lower() in TRUE_VALUES:
        if not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        groups = groups.filter(memberships__user=user, memberships__state=MembershipState.ACTIVE)
    try:
        words = search_words(params)
    except exceptions.ValidationError as error:
        errors.update(error.detail)
        words = []
    if errors:
        raise exceptions.ValidationError(errors)
    if words:
        groups = search.matching(
            groups,
            words=words,
            vector=search.group_vector(),
            fallback_fields=("name", "description"),
        )
        if search.full_text_available(groups):
            groups = groups.order_by("-rank", "-last_activity_at", "-pk")
    return groups


def roles_on(user, groups):
    """``{group pk: role}`` of ``user``'s active memberships among ``groups`` (one query)."""
    if not user.is_authenticated or not groups:
        return {}
    return dict(
        Membership.objects.filter(
            user=user, state=MembershipState.ACTIVE, group__in=[group.pk for group in groups]
        ).values_list("group_id", "role")
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("theme", OpenApiTypes.STR, enum=Theme.values, description="Theme."),
            OpenApiParameter(
                "territory",
                OpenApiTypes.INT,
                description="Primary key of a territory: the groups of a commune and of its "
                "EPCI; of an EPCI and of its communes.",
            ),
            OpenApiParameter(
                "commune", OpenApiTypes.STR, description="INSEE code (same as ``territory``)."
            ),
            OpenApiParameter("epci", OpenApiTypes.STR, description="SIREN code of an EPCI."),
            OpenApiParameter(
                "visibility", OpenApiTypes.STR, enum=Visibility.values, description="Visibility."
            ),
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Words of the name or the description."
            ),
            OpenApiParameter(
                "mine", OpenApiTypes.BOOL, description="Only the caller's groups (members only)."
            ),
        ]
    ),
    retrieve=extend_schema(responses={200: DiscussionGroupDetailSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        request={
            "application/json": DiscussionGroupWriteSerializer,
            "multipart/form-data": DiscussionGroupWriteSerializer,
        },
        responses={
            201: DiscussionGroupDetailSerializer,
            400: OpenApiResponse(description="Invalid, or 3 groups created in 24 hours already."),
            403: OpenApiResponse(description="Only identified members may create a group."),
        },
    ),
)
class GroupViewSet(
    MembershipActions,
    SearchActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Discussion groups of residents, associations and officials, most recently active first.

    Everyone finds every group, private ones included (name, description, counts); only
    the members of a private group read its discussions.
    """

    queryset = Group.objects.none()  # for the schema; the selectors give the real rows
    filter_backends = []
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    serializer_class = DiscussionGroupSerializer
    pagination_class = GroupPagination

    def get_queryset(self):
        user = self.request.user
        return filtered_groups(group_list(user), self.request.query_params, user)

    def get_object(self):
        group = listed_group(self.request.user, self.kwargs["slug"])
        self.check_object_permissions(self.request, group)
        return group

    def _detail(self, group, status_code=status.HTTP_200_OK):
        group = listed_group(self.request.user, group.slug)  # fresh counters and roles
        serializer = DiscussionGroupDetailSerializer(group, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "roles": roles_on(request.user, page)}
        return self.get_paginated_response(
            DiscussionGroupSerializer(page, many=True, context=context).data
        )

    def retrieve(self, request, *args, **kwargs):
        group = self.get_object()
        return Response(
            DiscussionGroupDetailSerializer(group, context=self.get_serializer_context()).data
        )

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("groups.create_group"):
            raise exceptions.PermissionDenied(
                _("Only identified members (verified e-mail, commune given) may create a group.")
            )
        serializer = DiscussionGroupWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = services.group_create(creator=request.user, **serializer.service_data())
        return self._detail(group, status.HTTP_201_CREATED)
