"""Who may do what in groups, as named ``rules`` permissions.

Use ``user.has_perm("groups.reply_to_thread", thread)`` in views and API permission classes
alike. Object-level rules take a group, a thread or a message (whichever the action is about);
the predicates find the group from it. The Django model permissions (``groups.change_group``...)
are the site moderators' admin permissions and are not redefined here.

Roles: the group's ``owner`` (one per group), its ``moderator``\\ s, its ``member``\\ s; the
*site moderators* (staff with ``groups.change_group``) moderate every group.
"""

import rules

from parvis.accounts.rules import is_active_member, is_identified_member

from .models import MODERATING_ROLES, GroupStatus, JoinPolicy, Message, Role, Thread
from .selectors import (
    group_content_is_readable_by,
    group_is_visible_to,
    is_banned,
    membership_of,
    pending_request_of,
)
from .selectors import is_site_moderator as _is_site_moderator


def group_of(obj):
    """The group a group, thread or message belongs to."""
    if isinstance(obj, Message):
        return obj.thread.group
    if isinstance(obj, Thread):
        return obj.group
    return obj


@rules.predicate
def is_site_moderator(user):
    return _is_site_moderator(user)


@rules.predicate
def can_see_group(user, obj):
    return obj is not None and group_is_visible_to(group_of(obj), user)


@rules.predicate
def can_read_group(user, obj):
    return obj is not None and group_content_is_readable_by(group_of(obj), user)


@rules.predicate
def is_group_member(user, obj):
    """An active member, whatever their role."""
    return obj is not None and membership_of(user, group_of(obj)) is not None


@rules.predicate
def is_group_moderator(user, obj):
    """The owner or a moderator of the group."""
    if obj is None:
        return False
    membership = membership_of(user, group_of(obj))
    return membership is not None and membership.role in MODERATING_ROLES


@rules.predicate
def is_group_owner(user, obj):
    if obj is None:
        return False
    membership = membership_of(user, group_of(obj))
    return membership is not None and membership.role == Role.OWNER


@rules.predicate
def is_banned_from_group(user, obj):
    return obj is not None and is_banned(user, group_of(obj))


@rules.predicate
def group_is_active(user, obj):
    """Neither closed (read-only) nor deleted."""
    return obj is not None and group_of(obj).status == GroupStatus.ACTIVE


@rules.predicate
def joins_freely(user, group):
    return group is not None and group.join_policy == JoinPolicy.OPEN


@rules.predicate
def joins_on_request(user, group):
    return group is not None and group.join_policy == JoinPolicy.REQUEST


@rules.predicate
def has_pending_request(user, group):
    return group is not None and pending_request_of(user, group) is not None


@rules.predicate
def thread_is_unlocked(user, obj):
    thread = obj.thread if isinstance(obj, Message) else obj
    return thread is not None and not thread.locked


@rules.predicate
def is_message_author(user, message):
    return message is not None and user.is_authenticated and message.author_id == user.pk


@rules.predicate
def message_is_not_deleted(user, message):
    return message is not None and message.deleted_at is None


can_join_something = (
    is_identified_member & group_is_active & ~is_group_member & ~is_banned_from_group
)
moderates = (is_group_moderator & group_is_active) | is_site_moderator

rules.add_perm("groups.view_group", can_see_group)
rules.add_perm("groups.read_group", can_read_group)
rules.add_perm("groups.create_group", is_identified_member)
rules.add_perm(
    "groups.change_group_settings",
    is_active_member & group_is_active & (is_group_owner | is_site_moderator),
)
rules.add_perm("groups.join_group", can_join_something & joins_freely)
rules.add_perm(
    "groups.request_membership", can_join_something & joins_on_request & ~has_pending_request
)
rules.add_perm("groups.leave_group", is_active_member & is_group_member)
rules.add_perm("groups.manage_members", is_active_member & moderates)
rules.add_perm(
    "groups.change_roles",
    is_active_member & ((is_group_owner & group_is_active) | is_site_moderator),
)
rules.add_perm(
    "groups.transfer_ownership",
    is_active_member & ((is_group_owner & group_is_active) | is_site_moderator),
)
rules.add_perm("groups.start_thread", is_identified_member & group_is_active & is_group_member)
rules.add_perm(
    "groups.reply_to_thread",
    is_identified_member
    & group_is_active
    & is_group_member
    & (thread_is_unlocked | is_group_moderator),
)
rules.add_perm(
    "groups.edit_message",
    is_active_member
    & group_is_active
    & is_group_member
    & is_message_author
    & message_is_not_deleted
    & thread_is_unlocked,
)
rules.add_perm(
    "groups.delete_message",
    is_active_member
    & message_is_not_deleted
    & ((is_message_author & is_group_member & group_is_active) | moderates),
)
rules.add_perm("groups.moderate_thread", is_active_member & moderates)
rules.add_perm(
    "groups.see_message_history", is_active_member & (is_group_moderator | is_site_moderator)
)
rules.add_perm("groups.moderate_group", is_site_moderator)
