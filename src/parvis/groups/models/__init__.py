"""Groups: communities of interest where residents, associations and officials talk.

A ``Group`` has members (``Membership``: owner, moderators, members), who talk in ``Thread``s
made of ``Message``s. Joining is open, on request (``JoinRequest``) or by invitation
(``Invitation``); a ``Ban`` keeps a member out for good. Messages keep their edit history
(``MessageRevision``, shown to moderators), their @mentions (``Mention``) and each member's
reading position (``ThreadRead``, for unread markers). Services record what happened as
``Activity`` rows in the same transaction: the notifications capability sends from them.

Denormalised counters and dates (``Group.member_count``, ``thread_count``,
``last_activity_at``; ``Thread.message_count``, ``last_activity_at``, ``last_message``;
``Message.position``) are maintained by the services so that lists and pages cost a fixed
number of queries, whatever the number of rows.

One module per concern (``lifecycle``, ``membership``, ``discussions``, ``activity``),
imported here in that order: every model and choice is importable from
``parvis.groups.models``, as the migrations expect.
"""

# The models register in the order of the former single module.
# isort: off
from .lifecycle import (
    GROUP_TERRITORY_KINDS,
    Group,
    GroupStatus,
    JoinPolicy,
    Theme,
    Visibility,
    image_upload_to,
)
from .membership import (
    MODERATING_ROLES,
    Ban,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    MembershipState,
    RequestStatus,
    Role,
)
from .discussions import (
    MESSAGES_PER_PAGE,
    Mention,
    Message,
    MessageRevision,
    Thread,
    ThreadRead,
)
from .activity import (
    Activity,
    ActivityKind,
    Audience,
)
# isort: on

__all__ = [
    "Activity",
    "ActivityKind",
    "Audience",
    "Ban",
    "GROUP_TERRITORY_KINDS",
    "Group",
    "GroupStatus",
    "Invitation",
    "InvitationStatus",
    "JoinPolicy",
    "JoinRequest",
    "MESSAGES_PER_PAGE",
    "MODERATING_ROLES",
    "Membership",
    "MembershipState",
    "Mention",
    "Message",
    "MessageRevision",
    "RequestStatus",
    "Role",
    "Theme",
    "Thread",
    "ThreadRead",
    "Visibility",
    "image_upload_to",
]
