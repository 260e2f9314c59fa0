"""The news' notification types (see docs/notifications.md).

``news.published_in_my_commune`` is told by the ``news.post_published`` activity
(``activities.py``) once a post goes live (published now, or its scheduled publication date
reached), to the members living in the
territories it targets and to the followers of its publisher: a daily digest by default, as
a post for the whole département concerns every member. ``news.post_moderated`` tells the
author that a moderator unpublished their post (with the reason) or published it again.
"""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="news.published_in_my_commune",
        label=_("New information for my commune"),
        text=_("%(publisher)s published “%(title)s”."),
        email_template="news/emails/published",
        default_delivery=Delivery.DAILY,
        help_text=_(
            "Posts targeted at your commune (or its intercommunality, arrondissement, the "
            "whole département), and posts of what you follow."
        ),
    )
)


def _moderated_text(context):
    if context.get("restored"):
        return _("A moderator published your post “%(title)s” again.") % context
    return _("A moderator unpublished your post “%(title)s”.") % context


def _moderated_email(context):
    return "news/emails/restored" if context.get("restored") else "news/emails/unpublished"


register(
    NotificationType(
        key="news.post_moderated",
        label=_("A moderator unpublishes or restores one of my posts"),
        text=_moderated_text,
        email_template=_moderated_email,
        default_delivery=Delivery.IMMEDIATE,
        email_required=True,
    )
)
