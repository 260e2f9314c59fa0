r"""Pages of the groups: the list, a group's page, its discussions, members and management.

Views are thin: load through the selectors' visibility pair (what the person may not read
answers 404), check the named rule, call a service, render or redirect with a message.
Services' ``ValidationError``\ s become messages and change nothing.

One module per concern: ``browse`` (the list, a group's page, members, search),
``lifecycle`` (creating, settings, ownership), ``membership`` (joining, requests,
invitations, leaving), ``member_moderation`` (the management of members) and
``discussions``; ``common`` holds what they share. ``urls`` names the views of this
package.
"""

from .browse import (
    group_detail,
    group_list,
    group_member_list,
    group_search,
    search_all,
)
from .common import (
    GROUPS_PER_PAGE,
    MEMBERS_PER_PAGE,
    MEMBERS_SHOWN,
    RESULTS_PER_PAGE,
    THREADS_PER_PAGE,
    CappedPaginator,
)
from .compose import compose
from .discussions import (
    message_delete,
    message_edit,
    message_history,
    message_permalink,
    thread_create,
    thread_delete,
    thread_detail,
    thread_lock,
    thread_move,
    thread_pin,
    thread_reply,
)
from .lifecycle import (
    group_create,
    group_edit,
    ownership_transfer,
)
from .member_moderation import (
    ban_lift,
    group_manage,
    invitation_withdraw,
    member_ban,
    member_invite,
    member_remove,
    member_role,
    request_decide,
)
from .membership import (
    group_invitation_answer,
    group_join,
    group_leave,
    group_request,
    group_request_withdraw,
    my_invitations,
)

__all__ = [
    "CappedPaginator",
    "GROUPS_PER_PAGE",
    "MEMBERS_PER_PAGE",
    "MEMBERS_SHOWN",
    "RESULTS_PER_PAGE",
    "THREADS_PER_PAGE",
    "ban_lift",
    "compose",
    "group_create",
    "group_detail",
    "group_edit",
    "group_invitation_answer",
    "group_join",
    "group_leave",
    "group_list",
    "group_manage",
    "group_member_list",
    "group_request",
    "group_request_withdraw",
    "group_search",
    "invitation_withdraw",
    "member_ban",
    "member_invite",
    "member_remove",
    "member_role",
    "message_delete",
    "message_edit",
    "message_history",
    "message_permalink",
    "my_invitations",
    "ownership_transfer",
    "request_decide",
    "search_all",
    "thread_create",
    "thread_delete",
    "thread_detail",
    "thread_lock",
    "thread_move",
    "thread_pin",
    "thread_reply",
]
