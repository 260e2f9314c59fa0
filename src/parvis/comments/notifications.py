"""The comments' notification types (see docs/notifications.md).

A comment tells, once each and in this order of precedence: the members it @mentions
(``comments.mentioned``), the author of the comment it answers (``comments.replied``), and
the item's author, the followers of its publisher and those who commented on it before
(``comments.commented``). Reactions are never told one by one: ``comments.reactions`` sums
up, in the daily digest by default, how many people reacted to one contribution.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="comments.commented",
        label=_("A comment on something I published, follow or commented on"),
        text=_("%(actor)s commented on “%(title)s”."),
        email_template="comments/emails/commented",
        default_delivery=Delivery.DAILY,
    )
)
register(
    NotificationType(
        key="comments.replied",
        label=_("A reply to one of my comments"),
        text=_("%(actor)s replied to your comment on “%(title)s”."),
        email_template="comments/emails/replied",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="comments.mentioned",
        label=_("Someone mentions me in a comment"),
        text=_("%(actor)s mentioned you in a comment on “%(title)s”."),
        email_template="comments/emails/mentioned",
        default_delivery=Delivery.IMMEDIATE,
    )
)


def _reactions_text(context):
    count = int(context.get("count", 1))
    return ngettext(
        "%(count)d person reacted to your contribution “%(title)s”.",
        "%(count)d people reacted to your contribution “%(title)s”.",
        count,
    ) % {"count": count, "title": context.get("title", "")}


register(
    NotificationType(
        key="comments.reactions",
        label=_("Reactions to my contributions (summed up)"),
        text=_reactions_text,
        email_template="comments/emails/reactions",
        default_delivery=Delivery.DAILY,
    )
)
