"""Moderation's notification types (see docs/notifications.md and ``notifying.py``).

The statement of reasons, the temporary hiding of an item and the outcome of an appeal are
legal notices (Digital Services Act, art. 17 and 20): their e-mail cannot be turned off.
"""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

from .models import AppealStatus, DecisionAction, SanctionKind


def _action(context):
    try:
        return DecisionAction(context.get("action")).label
    except ValueError:
        return context.get("action_label", "")


def _statement_text(context):
    if context.get("restrictive"):
        return _(
            "Moderation decision about “%(item)s”: %(action)s. Read the statement of reasons."
        ) % {
            "item": context.get("item", ""),
            "action": _action(context),
        }
    return _("“%(item)s” was reviewed by a moderator and is visible again.") % {
        "item": context.get("item", "")
    }


def _outcome_text(context):
    return _("Your report about “%(item)s” was reviewed: %(action)s.") % {
        "item": context.get("item", ""),
        "action": _action(context),
    }


def _appeal_text(context):
    outcome = (
        _("the decision is reversed")
        if context.get("outcome") == AppealStatus.REVERSED
        else _("the decision is upheld")
    )
    return _("Your appeal about “%(item)s” was decided: %(outcome)s.") % {
        "item": context.get("item", ""),
        "outcome": outcome,
    }


def _lifted_text(context):
    try:
        kind = SanctionKind(context.get("kind")).label
    except ValueError:
        kind = context.get("kind_label", "")
    return _("A moderator lifted the %(kind)s of your account.") % {"kind": kind}


register(
    NotificationType(
        key="moderation.statement",
        label=_("A moderation decision about my content or my account"),
        text=_statement_text,
        email_template="moderation/emails/statement",
        default_delivery=Delivery.IMMEDIATE,
        email_required=True,
    )
)
register(
    NotificationType(
        key="moderation.hidden_pending_review",
        label=_("My content is hidden until a moderator reviews it"),
        text=_(
            "“%(item)s” was reported by several members: it is hidden until a moderator reviews it."
        ),
        email_template="moderation/emails/hidden_pending_review",
        default_delivery=Delivery.IMMEDIATE,
        email_required=True,
    )
)
register(
    NotificationType(
        key="moderation.report_outcome",
        label=_("The outcome of my reports"),
        text=_outcome_text,
        email_template="moderation/emails/report_outcome",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="moderation.appeal_decided",
        label=_("The outcome of my appeals"),
        text=_appeal_text,
        email_template="moderation/emails/appeal_decided",
        default_delivery=Delivery.IMMEDIATE,
        email_required=True,
    )
)
register(
    NotificationType(
        key="moderation.sanction_lifted",
        label=_("A suspension or ban of my account lifted"),
        text=_lifted_text,
        email_template="moderation/emails/sanction_lifted",
        default_delivery=Delivery.IMMEDIATE,
        email_required=True,
    )
)
