"""The organisations' notification types (see docs/notifications.md)."""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register


def _verification_text(context):
    if context.get("verified"):
        return _("%(organisation)s is verified.") % context
    if context.get("changes"):
        return _("Changes are requested on %(organisation)s before its verification.") % context
    return _("%(organisation)s could not be verified.") % context


def _verification_email(context):
    if context.get("verified"):
        return "organisations/emails/verified"
    if context.get("changes"):
        return "organisations/emails/changes_requested"
    return "organisations/emails/rejected"


register(
    NotificationType(
        key="organisations.verification",
        label=_("The verification of the organisations I manage"),
        text=_verification_text,
        email_template=_verification_email,
        default_delivery=Delivery.IMMEDIATE,
    )
)


def _invitation_text(context):
    if context.get("role") == "manager":
        return _("%(inviter)s invites you to help run %(organisation)s, as a manager.") % context
    return _("%(inviter)s invites you to help run %(organisation)s, as an editor.") % context


register(
    NotificationType(
        key="organisations.invitation",
        label=_("An invitation to join an organisation's team"),
        text=_invitation_text,
        email_template="organisations/emails/invitation",
        default_delivery=Delivery.IMMEDIATE,
    )
)
