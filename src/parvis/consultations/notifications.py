"""The consultations' notification type (see docs/notifications.md).

``consultations.opened`` is told by the activity of the same kind (``activities.py``) when a
published consultation opens (or is published already open), to the members who may answer
it (its audience's identified residents). A daily digest by default: a consultation stays
open for days or weeks, and a whole-département one concerns every member.
"""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="consultations.opened",
        label=_("A consultation opens in my commune"),
        text=_("%(institution)s asks your opinion: “%(title)s”, until %(closes)s."),
        email_template="consultations/emails/opened",
        default_delivery=Delivery.DAILY,
    )
)
