"""The agenda's notification types (see docs/notifications.md)."""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="agenda.event_changed",
        label=_("An event I am going to changes its date or place"),
        text=_("“%(title)s”, which you are going to, has changed: %(start)s, %(venue)s."),
        email_template="agenda/emails/changed",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="agenda.event_cancelled",
        label=_("An event I am going to is cancelled"),
        text=_("“%(title)s”, which you were going to, is cancelled."),
        email_template="agenda/emails/cancelled",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="agenda.event_published",
        label=_("A moderator publishes an event I proposed"),
        text=_("“%(title)s” is published: it now appears in the agenda."),
        email_template="agenda/emails/published",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="agenda.event_rejected",
        label=_("A moderator cannot publish an event I proposed"),
        text=_("“%(title)s” was not published: %(reason)s"),
        email_template="agenda/emails/rejected",
        default_delivery=Delivery.IMMEDIATE,
        email_required=True,
        help_text=_("With the reason, so that you can correct it: this e-mail is always sent."),
    )
)
register(
    NotificationType(
        key="agenda.event_changes_requested",
        label=_("A moderator asks me to change an event I proposed"),
        text=_("Changes are requested on “%(title)s”: %(reason)s"),
        email_template="agenda/emails/changes_requested",
        default_delivery=Delivery.IMMEDIATE,
        email_required=True,
        help_text=_("With what to change, so that you can submit it again: always sent."),
    )
)
