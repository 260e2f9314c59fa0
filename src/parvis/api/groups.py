"""The API of the groups (``/api/groupes/``): the same selectors, rules and services as the
pages (``parvis.groups``), hence the same visibility.

- Groups are *listed* to everyone, private ones too — their name, description, theme,
  territory and counts, never their content. Deleted groups answer 404 to all but the site
  moderators.
- A group's *content* (discussions, messages, search results) is read by anyone when the
  group is public, and only by its active members when it is private: to anyone else a
  private group's discussions and messages answer 404, as if they did not exist. A member who
  leaves, is removed or banned loses access at the next request. Site moderators read
  everything.
- Writes go through ``parvis.groups.services``, with the same rules as the pages: identified
  members create groups (3 a day), join, ask to join and leave them; members start
  discussions, reply (quoting a message of the same discussion), edit and delete their own
  messages. A service's refusal answers 400 (a ``ValidationError``: locked discussion, closed
  group, empty message...) or 403 (a ``PermissionDenied`` on something the caller may read),
  with the message in the caller's language; nothing is changed.

Routes: ``/api/groupes/`` (list, create), ``/api/groupes/<slug>/`` (+ ``rejoindre/``,
``quitter/``, ``demander/``), ``/api/groupes/recherche/`` and
``/api/groupes/recherche/discussions/``, ``/api/groupes/<slug>/discussions/[<id>/]`` and
``/api/groupes/<slug>/discussions/<id>/messages/[<id>/]``.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from parvis.core.emails import absolute_url
from parvis.core.richtext import render_markdown
from parvis.groups import search, services
from parvis.groups.models import (
    GROUP_TERRITORY_KINDS,
    MESSAGES_PER_PAGE,
    Group,
    GroupStatus,
    JoinPolicy,
    Membership,
    MembershipState,
    Message,
    Role,
    Theme,
    Thread,
    Visibility,
)
from parvis.groups.selectors import (
    group_content_is_readable_by,
    group_for_page,
    group_is_visible_to,
    group_list,
    group_moderators,
    group_threads,
    in_territory,
    is_site_moderator,
    mark_unread,
    membership_of,
    message_in_thread,
    messages_visible_to,
    pending_request_of,
    thread_for_page,
    thread_messages,
    thread_page_count,
    threads_visible_to,
)
from parvis.moderation.selectors import annotate_hidden, hidden_from, is_hidden, visible
from parvis.organisations.models import Organisation
from parvis.territories.models import Territory, TerritoryKind

from .filters import commune_code_validator

#: Longest search text accepted (as on the pages).
SEARCH_MAX_LENGTH = 100
TRUE_VALUES = {"1", "true", "yes", "on"}

# --- serializers --------------------------------------------------------------------------------


class GroupTerritorySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text="commune or epci.")
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class GroupOrganisationSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)


def _build_url(context, name, **kwargs):
    request = context.get("request")
    path = reverse(name, kwargs=kwargs)
    return request.build_absolute_uri(path) if request else path


def _thread_url(context, group, thread):
    return _build_url(context, "api-group-thread-detail", group_slug=group.slug, pk=thread.pk)


def _message_url(context, group, thread, message):
    return _build_url(
        context,
        "api-group-message-detail",
        group_slug=group.slug,
        thread_pk=thread.pk,
        pk=message.pk,
    )


class DiscussionGroupSerializer(serializers.Serializer):
    """A group as everyone may find it. ``readable`` says whether the caller may read its
    discussions; when not (a private group), ``last_activity_at`` and ``threads_url`` are
    null."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-group-detail", lookup_field="slug")
    web_url = serializers.SerializerMethodField()
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, help_text="Markdown, as written.")
    description_html = serializers.SerializerMethodField(
        help_text="The description rendered and sanitised."
    )
    theme = serializers.CharField(read_only=True, help_text=", ".join(Theme.values) + ".")
    theme_label = serializers.CharField(source="get_theme_display", read_only=True)
    image = serializers.SerializerMethodField()
    territory = GroupTerritorySerializer(
        read_only=True, allow_null=True, help_text="A commune or an EPCI; null: the département."
    )
    organisation = GroupOrganisationSerializer(read_only=True, allow_null=True)
    visibility = serializers.CharField(read_only=True, help_text="public or private.")
    join_policy = serializers.CharField(read_only=True, help_text="open, request or invitation.")
    status = serializers.CharField(
        read_only=True, help_text="active, closed (read-only) or deleted (site moderators only)."
    )
    created_at = serializers.DateTimeField(read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    thread_count = serializers.IntegerField(read_only=True)
    last_activity_at = serializers.SerializerMethodField()
    readable = serializers.SerializerMethodField(
        help_text="Whether the caller may read the group's discussions."
    )
    my_role = serializers.SerializerMethodField(
        help_text="The caller's role (owner, moderator, member); null when not a member."
    )
    threads_url = serializers.SerializerMethodField()

    def to_representation(self, group):
        user = self.context["request"].user
        roles = self.context.get("roles")
        if roles is None:
            membership = membership_of(user, group)
            group.api_role = membership.role if membership else None
            group.api_readable = group_content_is_readable_by(group, user)
        else:  # a page of a list: the caller's memberships were read in one query
            group.api_role = roles.get(group.pk)
            group.api_readable = is_site_moderator(user) or (
                group.status != GroupStatus.DELETED
                and (group.visibility == Visibility.PUBLIC or group.api_role is not None)
            )
        return super().to_representation(group)

    def get_web_url(self, group) -> str:
        return absolute_url(group.get_absolute_url())

    def get_description_html(self, group) -> str:
        return str(render_markdown(group.description))

    def get_image(self, group) -> str:
        return absolute_url(group.image.url) if group.image else ""

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_last_activity_at(self, group):
        if not group.api_readable:
            return None
        return serializers.DateTimeField().to_representation(group.last_activity_at)

    def get_readable(self, group) -> bool:
        return group.api_readable

    def get_my_role(self, group) -> str | None:
        return group.api_role

    def get_threads_url(self, group) -> str | None:
        if not group.api_readable:
            return None
        return _build_url(self.context, "api-group-thread-list", group_slug=group.slug)


class GroupModeratorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    role = serializers.CharField(read_only=True, help_text="owner or moderator.")


class DiscussionGroupDetailSerializer(DiscussionGroupSerializer):
    """A group, with what the caller may do there."""

    moderators = serializers.SerializerMethodField(
        help_text="The owner and the moderators (when the caller may read the group)."
    )
    pending_request = serializers.SerializerMethodField(
        help_text="The caller asked to join and the moderators have not answered yet."
    )
    can_join = serializers.SerializerMethodField()
    can_request = serializers.SerializerMethodField()
    can_leave = serializers.SerializerMethodField()
    can_start_thread = serializers.SerializerMethodField()

    def _user(self):
        return self.context["request"].user

    @extend_schema_field(GroupModeratorSerializer(many=True))
    def get_moderators(self, group):
        if not group.api_readable:
            return []
        moderators = sorted(group_moderators(group), key=lambda m: m.role != Role.OWNER)
        return GroupModeratorSerializer(moderators, many=True).data

    def get_pending_request(self, group) -> bool:
        return pending_request_of(self._user(), group) is not None

    def get_can_join(self, group) -> bool:
        return self._user().has_perm("groups.join_group", group)

    def get_can_request(self, group) -> bool:
        return self._user().has_perm("groups.request_membership", group)

    def get_can_leave(self, group) -> bool:
        return group.api_role is not None

    def get_can_start_thread(self, group) -> bool:
        return self._user().has_perm("groups.start_thread", group)


class DiscussionGroupWriteSerializer(serializers.Serializer):
    """A new group. Its creator becomes its owner."""

    name = serializers.CharField(max_length=120, help_text="120 characters at most.")
    theme = serializers.ChoiceField(choices=Theme.choices)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Markdown."
    )
    territory = serializers.PrimaryKeyRelatedField(
        queryset=Territory.objects.filter(kind__in=GROUP_TERRITORY_KINDS),
        required=False,
        allow_null=True,
        help_text="Primary key of a commune or an EPCI (see /api/territoires/); empty: the "
        "whole département.",
    )
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of an organisation you help run, owning the group.",
    )
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text="public: anyone reads, members post; private: only members read.",
    )
    join_policy = serializers.ChoiceField(
        choices=JoinPolicy.choices,
        default=JoinPolicy.OPEN,
        help_text="open: anyone joins; request: moderators accept; invitation: invited only.",
    )
    image = serializers.FileField(required=False, allow_null=True, write_only=True)

    def service_data(self):
        data = dict(self.validated_data)
        if not data.get("image"):
            data.pop("image", None)
        return data


class JoinRequestWriteSerializer(serializers.Serializer):
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A word to the moderators (1000 characters at most).",
    )


class JoinRequestSerializer(serializers.Serializer):
    status = serializers.CharField(read_only=True, help_text="pending.")
    message = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class LastMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    author = PersonSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class ThreadSerializer(serializers.Serializer):
    """A discussion. ``unread``: for a member, whether there is activity they have not read
    (null for anyone else)."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    author = PersonSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    pinned = serializers.BooleanField(read_only=True)
    locked = serializers.BooleanField(read_only=True, help_text="No more replies or edits.")
    last_activity_at = serializers.DateTimeField(read_only=True)
    message_count = serializers.IntegerField(read_only=True, help_text="The first one included.")
    reply_count = serializers.IntegerField(read_only=True)
    last_message = LastMessageSerializer(read_only=True, allow_null=True)
    unread = serializers.SerializerMethodField()
    messages_url = serializers.SerializerMethodField()

    def get_url(self, thread) -> str:
        return _thread_url(self.context, thread.group, thread)

    def get_web_url(self, thread) -> str:
        return absolute_url(thread.get_absolute_url())

    def get_unread(self, thread) -> bool | None:
        return getattr(thread, "unread", None) if hasattr(thread, "read_at") else None

    def get_messages_url(self, thread) -> str:
        return _build_url(
            self.context,
            "api-group-message-list",
            group_slug=thread.group.slug,
            thread_pk=thread.pk,
        )


class ThreadDetailSerializer(ThreadSerializer):
    pages = serializers.SerializerMethodField(help_text="Pages of messages (30 a page).")
    can_reply = serializers.SerializerMethodField()
    can_moderate = serializers.SerializerMethodField()

    def get_pages(self, thread) -> int:
        return thread_page_count(thread)

    def get_can_reply(self, thread) -> bool:
        return self.context["request"].user.has_perm("groups.reply_to_thread", thread)

    def get_can_moderate(self, thread) -> bool:
        return self.context["request"].user.has_perm("groups.moderate_thread", thread)


class ThreadWriteSerializer(serializers.Serializer):
    title = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="200 characters at most."
    )
    body = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="The first message: Markdown, 20,000 characters at most; @first-last "
        "mentions a member of the group.",
    )


class QuotedMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    author = PersonSerializer(read_only=True, allow_null=True)
    deleted = serializers.SerializerMethodField()

    def get_deleted(self, message) -> bool:
        return message.deleted_at is not None


class MessageSerializer(serializers.Serializer):
    """A message. A deleted message is a placeholder: ``deleted`` is true and ``body`` and
    ``body_html`` are null. A message hidden by moderation has ``hidden`` true, and ``body``
    and ``body_html`` null for everyone but its author and the staff."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()
    position = serializers.IntegerField(
        read_only=True, help_text="1 for the first message of the discussion, then 2, 3..."
    )
    author = PersonSerializer(read_only=True, allow_null=True, help_text="null: a former member.")
    created_at = serializers.DateTimeField(read_only=True)
    edited_at = serializers.DateTimeField(read_only=True, allow_null=True)
    deleted = serializers.SerializerMethodField()
    deleted_by_moderator = serializers.SerializerMethodField()
    hidden = serializers.SerializerMethodField(help_text="Hidden by a moderation decision.")
    body = serializers.SerializerMethodField(help_text="Markdown, as written.")
    body_html = serializers.SerializerMethodField(help_text="The message rendered and sanitised.")
    quoted = serializers.SerializerMethodField(help_text="The message this one replies to.")
    can_edit = serializers.SerializerMethodField()
    can_delete = serializers.SerializerMethodField()

    def get_url(self, message) -> str:
        thread = message.thread
        return _message_url(self.context, thread.group, thread, message)

    def get_web_url(self, message) -> str:
        return absolute_url(message.get_absolute_url())

    def get_deleted(self, message) -> bool:
        return message.deleted_at is not None

    def get_deleted_by_moderator(self, message) -> bool:
        return message.deleted_at is not None and message.deleted_by_id != message.author_id

    def get_hidden(self, message) -> bool:
        return is_hidden(message)

    def _unreadable(self, message):
        return bool(message.deleted_at) or hidden_from(message, self.context["request"].user)

    def get_body(self, message) -> str | None:
        return None if self._unreadable(message) else message.body

    def get_body_html(self, message) -> str | None:
        return None if self._unreadable(message) else message.body_html

    @extend_schema_field(QuotedMessageSerializer(allow_null=True))
    def get_quoted(self, message):
        if message.deleted_at or message.quoted_id is None:
            return None
        return QuotedMessageSerializer(message.quoted).data

    def get_can_edit(self, message) -> bool:
        return self.context["request"].user.has_perm("groups.edit_message", message)

    def get_can_delete(self, message) -> bool:
        return self.context["request"].user.has_perm("groups.delete_message", message)


class MessageWriteSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="Markdown, 20,000 characters at most; @first-last mentions a member of the "
        "group.",
    )
    quoted = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Id of the message replied to: one of this discussion, not deleted.",
    )


class MessageEditSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Markdown.")


class MessageDeleteSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required when a moderator deletes someone else's message (sent to them).",
    )


class SearchGroupSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-group-detail", lookup_field="slug")


class SearchThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, thread) -> str:
        return _thread_url(self.context, thread.group, thread)


class MessageResultSerializer(serializers.Serializer):
    """A message found by the search, with its discussion and group."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()
    position = serializers.IntegerField(read_only=True)
    author = PersonSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    body_html = serializers.CharField(read_only=True)
    thread = SearchThreadSerializer(read_only=True)
    group = SearchGroupSerializer(source="thread.group", read_only=True)

    def get_url(self, message) -> str:
        return _message_url(self.context, message.thread.group, message.thread, message)

    def get_web_url(self, message) -> str:
        return absolute_url(message.get_absolute_url())


class ThreadResultSerializer(ThreadSerializer):
    """A discussion found by the search, with its group."""

    group = SearchGroupSerializer(read_only=True)


# --- pagination ---------------------------------------------------------------------------------


class GroupPagination(PageNumberPagination):
    page_size = 20


class ThreadPagination(PageNumberPagination):
    page_size = 20


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (search results over millions of messages)."""

    cap = 500

    @cached_property
    def count(self):
        return min(self.object_list[: self.cap + 1].count(), self.cap)


class SearchPagination(PageNumberPagination):
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


# --- helpers ------------------------------------------------------------------------------------


def _service_call(function, **kwargs):
    """Run a groups service: validation errors answer 400, refusals 403, with the message."""
    try:
        return function(**kwargs)
    except PermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from None
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise exceptions.ValidationError(error.messages) from None
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
            for name, messages in error.message_dict.items()
        }
        raise exceptions.ValidationError(detail) from None


def _listed_group(user, slug):
    """The group ``slug`` if ``user`` may find it (not deleted, or a site moderator)."""
    group = group_for_page(slug)
    if group is None or not group_is_visible_to(group, user):
        raise exceptions.NotFound()
    if hidden_from(group, user):  # hidden by moderation: only for its team and the staff
        raise exceptions.NotFound()
    return group


def _readable_group(user, slug):
    """The group ``slug`` if ``user`` may read its content; 404 otherwise."""
    group = _listed_group(user, slug)
    if not group_content_is_readable_by(group, user):
        raise exceptions.NotFound()
    return group


def _search_words(params):
    text = params.get("q", "")
    if len(text) > SEARCH_MAX_LENGTH:
        raise exceptions.ValidationError(
            {"q": [_("Type %(max)d characters at most.") % {"max": SEARCH_MAX_LENGTH}]}
        )
    return search.search_words(text)


def _filtered_groups(groups, params, user):
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
    territories = []
    territory_id = params.get("territory", "").strip()
    if territory_id:
        territory = (
            Territory.objects.filter(pk=int(territory_id)).first()
            if territory_id.isdigit() and len(territory_id) < 12
            else None
        )
        if territory is None:
            errors["territory"] = [
                _("Give the primary key of a territory (see /api/territoires/).")
            ]
        else:
            territories.append(territory)
    code = params.get("commune", "").strip()
    if code:
        try:
            commune_code_validator(code)
        except DjangoValidationError as error:
            errors["commune"] = list(error.messages)
        else:
            commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()
            if commune is None:
                errors["commune"] = [_("No commune of our territory has this INSEE code.")]
            else:
                territories.append(commune)
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
        words = _search_words(params)
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


def _roles_on(user, groups):
    """``{group pk: role}`` of ``user``'s active memberships among ``groups`` (one query)."""
    if not user.is_authenticated or not groups:
        return {}
    return dict(
        Membership.objects.filter(
            user=user, state=MembershipState.ACTIVE, group__in=[group.pk for group in groups]
        ).values_list("group_id", "role")
    )


GROUP_SLUG = OpenApiParameter(
    "group_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The group's slug."
)
OBJECT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
THREAD_PK = OpenApiParameter(
    "thread_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The discussion's id."
)
SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        required=True,
        description="Words to look for (French stemming, accents ignored; each word as a "
        "prefix, all required).",
    ),
    OpenApiParameter(
        "group",
        OpenApiTypes.STR,
        description="Slug of a group whose discussions the caller may read: search it only.",
    ),
]
NOT_FOUND = OpenApiResponse(
    description="No such group or discussion, or the caller may not read it."
)

# --- groups -------------------------------------------------------------------------------------


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
        return _filtered_groups(group_list(user), self.request.query_params, user)

    def get_object(self):
        group = _listed_group(self.request.user, self.kwargs["slug"])
        self.check_object_permissions(self.request, group)
        return group

    def _detail(self, group, status_code=status.HTTP_200_OK):
        group = _listed_group(self.request.user, group.slug)  # fresh counters and roles
        serializer = DiscussionGroupDetailSerializer(group, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "roles": _roles_on(request.user, page)}
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
        group = _service_call(
            services.group_create, creator=request.user, **serializer.service_data()
        )
        return self._detail(group, status.HTTP_201_CREATED)

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
        _service_call(services.membership_join, group=group, user=request.user)
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
        _service_call(services.membership_leave, group=group, user=request.user)
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
            _service_call(services.request_withdraw, join_request=join_request, user=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = JoinRequestWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        join_request = _service_call(
            services.membership_request,
            group=group,
            user=request.user,
            message=serializer.validated_data.get("message", ""),
        )
        return Response(JoinRequestSerializer(join_request).data, status=status.HTTP_201_CREATED)

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
        words = _search_words(request.query_params)
        if not words:
            raise exceptions.ValidationError({"q": [_("Type the words to look for.")]})
        slug = request.query_params.get("group", "").strip()
        group = _readable_group(request.user, slug[:140]) if slug else None
        return words, group


# --- discussions --------------------------------------------------------------------------------


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
            self._group = _readable_group(self.request.user, self.kwargs["group_slug"])
        return self._group

    def get_queryset(self):
        group = self.get_group()
        threads = group_threads(group, self.request.user)
        words = _search_words(self.request.query_params)
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
        thread = _service_call(
            services.thread_create,
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
            group = _readable_group(self.request.user, self.kwargs["group_slug"])
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
            .filter(pk=_int_or_none(self.kwargs["pk"]))
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
        message = _service_call(
            services.message_post,
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
        _service_call(
            services.message_edit,
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
        _service_call(
            services.message_delete,
            message=message,
            actor=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return self._read(self.get_object())


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
