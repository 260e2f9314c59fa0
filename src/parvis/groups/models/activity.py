"""What happened in a group: the kinds of activities the services record in the
notifications' outbox (as ``groups.<kind>``), and whom each is for (``groups.activities``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    NEW_THREAD = "new_thread", _("new discussion")
    REPLY = "reply", _("reply")
    MENTION = "mention", _("mention")
    MEMBERSHIP_REQUEST = "membership_request", _("membership request")
    MEMBERSHIP_DECISION = "membership_decision", _("decision on a membership request")
    INVITATION = "invitation", _("invitation")
    MEMBER_REMOVED = "member_removed", _("member removed")
    MEMBER_BANNED = "member_banned", _("member banned")
    ROLE_CHANGED = "role_changed", _("role changed")
    OWNERSHIP_TRANSFERRED = "ownership_transferred", _("ownership transferred")
    OWNER_NEEDED = "owner_needed", _("group without an owner")
    CONTENT_MODERATED = "content_moderated", _("content removed by a moderator")
    THREAD_MOVED = "thread_moved", _("discussion moved")
    GROUP_CLOSED = "group_closed", _("group closed")
    GROUP_REOPENED = "group_reopened", _("group reopened")
    GROUP_DELETED = "group_deleted", _("group deleted")


class Audience(models.TextChoices):
    """Whom an activity is for; resolved when it is told (``activities.activity_recipients``)."""

    RECIPIENT = "recipient", _("one member")
    GROUP_MEMBERS = "group_members", _("the group's members")
    GROUP_MODERATORS = "group_moderators", _("the group's owner and moderators")
    THREAD_PARTICIPANTS = "thread_participants", _("the discussion's participants")
    SITE_MODERATORS = "site_moderators", _("the site's moderators")
