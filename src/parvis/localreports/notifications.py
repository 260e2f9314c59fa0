"""The local reports' notification types (see docs/notifications.md).

- ``localreports.received``: the agents of the institution in charge (or, without one, the
  moderators) learn of a new report;
- ``localreports.step``: the reporter and the supporters learn each step (a new status, an
  agent's public comment).
"""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="localreports.received",
        label=_("A new report for my institution"),
        text=_("New report in %(commune)s: %(category)s."),
        email_template="localreports/emails/received",
        default_delivery=Delivery.DAILY,
        help_text=_("For the agents of the institution in charge, and the moderators."),
    )
)


def _step_text(context):
    if context.get("status_label"):
        return _("Your report “%(category)s” in %(commune)s: %(status_label)s.") % context
    return _("New comment on your report “%(category)s” in %(commune)s.") % context


register(
    NotificationType(
        key="localreports.step",
        label=_("A report I made or support changes"),
        text=_step_text,
        email_template="localreports/emails/step",
        default_delivery=Delivery.IMMEDIATE,
    )
)
