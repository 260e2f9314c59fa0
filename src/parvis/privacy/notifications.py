"""The personal-data notification types (see docs/notifications.md)."""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="privacy.export_ready",
        label=_("The archive of my data is ready"),
        text=_("The archive of your data is ready: download it before %(expires)s."),
        email_template="privacy/emails/export_ready",
        default_delivery=Delivery.IMMEDIATE,
        # The answer to the member's own request: always e-mailed.
        email_required=True,
    )
)
register(
    NotificationType(
        key="privacy.organisation_handed_over",
        label=_("An organisation is handed over to me"),
        text=_("You now manage %(organisation)s: its last manager deleted their account."),
        email_template="privacy/emails/organisation_handed_over",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="privacy.inactivity_warning",
        label=_("My account will be deleted for inactivity"),
        text=_("Your account will be deleted after %(erasure_date)s unless you log in."),
        email_template="privacy/emails/inactive_warning",
        default_delivery=Delivery.IMMEDIATE,
        # A legal notice before an erasure: always e-mailed.
        email_required=True,
    )
)
