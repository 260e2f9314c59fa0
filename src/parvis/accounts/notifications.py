"""The accounts' notification types (see docs/notifications.md)."""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register


def _mandate_text(context):
    if context.get("verified"):
        return _("Your mandate has been verified: %(mandate)s.") % context
    if context.get("changes"):
        return _("Changes are requested on your mandate: %(mandate)s.") % context
    return _("Your mandate could not be verified: %(mandate)s.") % context


def _mandate_email(context):
    if context.get("verified"):
        return "accounts/emails/mandate_verified"
    if context.get("changes"):
        return "accounts/emails/mandate_changes_requested"
    return "accounts/emails/mandate_rejected"


register(
    NotificationType(
        key="accounts.mandate_verification",
        label=_("The verification of my elected mandates"),
        text=_mandate_text,
        email_template=_mandate_email,
        default_delivery=Delivery.IMMEDIATE,
    )
)
