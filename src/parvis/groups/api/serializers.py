"""The serializers of the groups' API."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parvis.api.serializers import PersonReferenceSerializer, SlugNameSerializer
from parvis.core.emails import absolute_url
from parvis.core.richtext import render_markdown
from parvis.moderation.selectors import hidden_from, is_hidden
from parvis.organisations.models import Organisation
from parvis.territories.api import TerritoryReferenceSerializer
from parvis.territories.models import Territory

from ..models import GROUP_TERRITORY_KINDS, GroupStatus, JoinPolicy, Role, Theme, Visibility
from ..selectors import (
    group_content_is_readable_by,
    group_moderators,
    is_site_moderator,
    membership_of,
    pending_request_of,
    thread_page_count,
)


class GroupTerritorySerializer(TerritoryReferenceSerializer):
    kind = serializers.CharField(read_only=True, help_text="commune or epci.")


class GroupOrganisationSerializer(SlugNameSerializer):
    pass


class PersonSerializer(PersonReferenceSerializer):
    pass


def build_url(context, name, **kwargs):
    request = context.get("request")
    path = reverse(name, kwargs=kwargs)
    return request.build_absolute_uri(path) if request else path


def thread_url(context, group, thread):
    return build_url(context, "api-group-thread-detail", group_slug=group.slug, pk=thread.pk)


def message_url(context, group, thread, message):
    return build_url(
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
        return build_url(self.context, "api-group-thread-list", group_slug=group.slug)


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
        return thread_url(self.context, thread.group, thread)

    def get_web_url(self, thread) -> str:
        return absolute_url(thread.get_absolute_url())

    def get_unread(self, thread) -> bool | None:
        return getattr(thread, "unread", None) if hasattr(thread, "read_at") else None

    def get_messages_url(self, thread) -> str:
        return build_url(
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
        return message_url(self.context, thread.group, thread, message)

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


class SearchGroupSerializer(SlugNameSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-group-detail", lookup_field="slug")


class SearchThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, thread) -> str:
        return thread_url(self.context, thread.group, thread)


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
        return message_url(self.context, message.thread.group, message.thread, message)

    def get_web_url(self, message) -> str:
        return absolute_url(message.get_absolute_url())


class ThreadResultSerializer(ThreadSerializer):
    """A discussion found by the search, with its group."""

    group = SearchGroupSerializer(read_only=True)
