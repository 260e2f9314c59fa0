"""Writes of groups: the group itself, its members, its discussions and messages.

Every function is keyword-only, checks the permission (``PermissionDenied``), validates its
input (``ValidationError`` with a message for the member, nothing changed), writes in a
transaction and records what happened as ``Activity`` rows in that same transaction — the
notifications capability sends from them, after commit, in a worker (see
``signals.activity_recorded``). Nothing here sends e-mail.

One module per concern: ``lifecycle`` (a group's life and ownership), ``membership``
(joining, requests, invitations, leaving), ``member_moderation`` (removing, banning, roles),
``discussions`` (threads and messages); ``common`` holds the limits and shared checks. Every
public name is importable from ``parvis.groups.services``.

The "no orphan" rule: a group always has one owner while it has members. When the owner
leaves, is removed from the site or their account is erased, ownership passes to the
longest-standing moderator, else to the longest-standing member; a group left with no member
at all records an ``owner_needed`` activity for the site moderators.
"""

from .common import (
    GROUP_CREATE_LIMIT,
    GROUP_CREATE_WINDOW,
    GROUP_FIELDS,
    MESSAGE_LIMIT,
    MESSAGE_MAX_LENGTH,
    MESSAGE_WINDOW,
    REASON_MAX_LENGTH,
    RESERVED_SLUGS,
    SHORT_TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from .discussions import (
    message_delete,
    message_edit,
    message_post,
    message_restore,
    thread_create,
    thread_delete,
    thread_lock,
    thread_mark_read,
    thread_move,
    thread_pin,
    thread_restore,
)
from .lifecycle import (
    _hand_over_ownership as _hand_over_ownership,  # private, named by privacy.selectors
)
from .lifecycle import (
    group_close,
    group_create,
    group_delete,
    group_reopen,
    group_update,
    ownership_transfer,
)
from .member_moderation import (
    ban_lift,
    member_ban,
    member_remove,
    role_change,
)
from .membership import (
    _activate as _activate,  # private, used by tests and fixtures
)
from .membership import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_decline,
    membership_join,
    membership_leave,
    membership_request,
    memberships_release,
    request_accept,
    request_refuse,
    request_withdraw,
)

__all__ = [
    "GROUP_CREATE_LIMIT",
    "GROUP_CREATE_WINDOW",
    "GROUP_FIELDS",
    "MESSAGE_LIMIT",
    "MESSAGE_MAX_LENGTH",
    "MESSAGE_WINDOW",
    "REASON_MAX_LENGTH",
    "RESERVED_SLUGS",
    "SHORT_TEXT_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "ban_lift",
    "group_close",
    "group_create",
    "group_delete",
    "group_reopen",
    "group_update",
    "invitation_accept",
    "invitation_cancel",
    "invitation_create",
    "invitation_decline",
    "member_ban",
    "member_remove",
    "membership_join",
    "membership_leave",
    "membership_request",
    "memberships_release",
    "message_delete",
    "message_edit",
    "message_post",
    "message_restore",
    "ownership_transfer",
    "request_accept",
    "request_refuse",
    "request_withdraw",
    "role_change",
    "thread_create",
    "thread_delete",
    "thread_lock",
    "thread_mark_read",
    "thread_move",
    "thread_pin",
    "thread_restore",
]
