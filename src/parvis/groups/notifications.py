"""The groups' notification types (see docs/notifications.md).

They are told from the activities the services record in the notifications' outbox
(``activities.py``: ``notice_for``), by a worker after the commit. The recipients are
resolved when told (``activities.activity_recipients``): never the actor, and for a private
group's content only its current members.
"""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="groups.mention",
        label=_("Someone mentions me in a group's discussion"),
        text=_("%(actor)s mentioned you in “%(thread)s” (%(group)s)."),
        email_template="groups/emails/mention",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="groups.reply",
        label=_("A reply in a discussion I took part in"),
        text=_("%(actor)s replied in “%(thread)s” (%(group)s)."),
        email_template="groups/emails/reply",
        default_delivery=Delivery.DAILY,
        help_text=_("The discussions you started or wrote in."),
    )
)
register(
    NotificationType(
        key="groups.new_thread",
        label=_("A new discussion in one of my groups"),
        text=_("%(actor)s started the discussion “%(thread)s” in %(group)s."),
        email_template="groups/emails/new_thread",
        default_delivery=Delivery.DAILY,
    )
)
register(
    NotificationType(
        key="groups.membership_request",
        label=_("Someone asks to join a group I moderate"),
        text=_("%(actor)s asks to join %(group)s."),
        email_template="groups/emails/membership_request",
        default_delivery=Delivery.IMMEDIATE,
    )
)


def _decision_text(context):
    if context.get("accepted"):
        return _("Your request to join %(group)s was accepted.") % context
    return _("Your request to join %(group)s was declined.") % context


register(
    NotificationType(
        key="groups.membership_decision",
        label=_("The answer to my request to join a group"),
        text=_decision_text,
        email_template="groups/emails/membership_decision",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="groups.invitation",
        label=_("An invitation to join a group"),
        text=_("%(actor)s invites you to join %(group)s."),
        email_template="groups/emails/invitation",
        default_delivery=Delivery.IMMEDIATE,
    )
)


def _membership_text(context):
    change = context.get("change")
    if change == "removed":
        return _("You were removed from the group %(group)s.") % context
    if change == "banned":
        return _("You were banned from the group %(group)s.") % context
    if change == "owner":
        return _("You are now the owner of the group %(group)s.") % context
    if change == "moderator":
        return _("You are now a moderator of the group %(group)s.") % context
    return _("You are no longer a moderator of the group %(group)s.") % context


register(
    NotificationType(
        key="groups.membership_changed",
        label=_("My membership of a group changes"),
        text=_membership_text,
        email_template="groups/emails/membership_changed",
        default_delivery=Delivery.IMMEDIATE,
        help_text=_("Removed or banned (with the reason), a new role, ownership handed to you."),
    )
)


def _moderated_text(context):
    if context.get("moved_from"):
        return _("Your discussion “%(thread)s” was moved to the group %(group)s.") % context
    if context.get("what") == "thread":
        return _("A moderator of %(group)s deleted your discussion “%(thread)s”.") % context
    return _("A moderator of %(group)s deleted your message in “%(thread)s”.") % context


register(
    NotificationType(
        key="groups.content_moderated",
        label=_("A group's moderators act on my discussion or message"),
        text=_moderated_text,
        email_template="groups/emails/content_moderated",
        default_delivery=Delivery.IMMEDIATE,
    )
)


def _status_text(context):
    status = context.get("status")
    if status == "closed":
        return _("The group %(group)s was closed.") % context
    if status == "deleted":
        return _("The group %(group)s was deleted.") % context
    return _("The group %(group)s is open again.") % context


register(
    NotificationType(
        key="groups.group_status",
        label=_("A group I belong to is closed, reopened or deleted"),
        text=_status_text,
        email_template="groups/emails/group_status",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="groups.owner_needed",
        label=_("A group has no owner any more"),
        text=_("The group %(group)s has no member left to own it."),
        email_template="groups/emails/owner_needed",
        default_delivery=Delivery.IMMEDIATE,
        help_text=_("For the site's moderators."),
    )
)
