"""The volunteers' notification types (see docs/notifications.md)."""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="volunteers.signup",
        label=_("A volunteer signs up for a call I organise"),
        text=_("%(member)s signed up for “%(slot)s” (%(title)s)."),
        email_template="volunteers/emails/signup",
        default_delivery=Delivery.DAILY,
    )
)
register(
    NotificationType(
        key="volunteers.reminder",
        label=_("Reminder, the day before, of a time slot I signed up for"),
        text=_("Tomorrow: “%(slot)s” for “%(title)s”, %(when)s."),
        email_template="volunteers/emails/reminder",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="volunteers.message",
        label=_("The organisers of a call I signed up for write to the volunteers"),
        text=_("Message about “%(title)s”: %(excerpt)s"),
        email_template="volunteers/emails/message",
        default_delivery=Delivery.IMMEDIATE,
    )
)
