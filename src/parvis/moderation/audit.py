"""The audit log of staff actions: ``audit_record`` is the only writer.

Every staff action calls it inside the transaction of the change, so the entry exists exactly
when the change does: moderation decisions and appeals (this app), mandate and organisation
verification (``accounts.services``, ``organisations.services``), event review
(``agenda.services``), organisation role changes, and every add / change / delete made through
the admin forms (``signals.py`` mirrors Django's admin history, whose forms call no service).

Hooks for later work, with the action names to use:

- a member's data export: ``audit_record(actor=member, action="gdpr.export", target=member,
  reason="Requested by the member")`` when the archive is built (and ``"gdpr.export_download"``
  when it is downloaded);
- an erasure: ``audit_record(actor=member_or_staff, action="gdpr.erasure", target=member,
  data={"contributions": "anonymised"})`` *before* the personal fields are erased, so that
  ``target_repr`` says who asked; the entry is kept (accountability, GDPR art. 5(2)).

Entries are immutable: see ``models.AuditEntry``.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def _repr(obj, limit=300):
    return str(obj)[:limit] if obj is not None else ""


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    target_repr: str | None = None,
    target_type: ContentType | None = None,
    target_id: str | int | None = None,
) -> AuditEntry:
    """Record that ``actor`` (a member, or ``None`` for the platform itself) did ``action``
    (``"<app>.<verb>"``, e.g. ``"accounts.mandate_verify"``) on ``target`` (any model
    instance, or ``None``), because of ``reason``. ``data``: JSON-serialisable details.

    For a target that no longer exists, give ``target_type``, ``target_id`` and
    ``target_repr`` instead of ``target``."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if target is not None:
        target_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
        target_id = target.pk
    entry = AuditEntry(
        actor=actor,
        actor_repr=_repr(actor) if actor is None else f"{actor} <{actor.email}>"[:300],
        action=action[:80],
        target_content_type=target_type,
        target_id=str(target_id) if target_id is not None else "",
        target_repr=target_repr[:300] if target_repr is not None else _repr(target),
        reason=reason or "",
        data=data or {},
    )
    entry.save()
    return entry


# --- the audit log in the moderator's language ---------------------------------------------
# Entries keep stable codes ("accounts.mandate_verify") and, for actions that a member does,
# fixed English reasons; the admin shows them through these tables, translated when read.
# Each app registers its own codes from its ``content.py`` (no platform file lists domain
# codes).

_ACTION_LABELS: dict[str, Any] = {}
_FIXED_REASONS: set[str] = set()


def action_labels_register(labels: dict[str, Any]) -> None:
    """``{"agenda.event_publish": _("event approved"), ...}`` (lazy translations)."""
    _ACTION_LABELS.update(labels)


def fixed_reasons_register(*reasons: str) -> None:
    """Reasons written in English by a service (``"Requested by the member"``): shown
    translated (their French is in the catalogue, as msgids)."""
    _FIXED_REASONS.update(reasons)


def action_label(code: str) -> str:
    """The action's label in the current language; the code itself when unknown."""
    label = _ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_labels() -> dict[str, str]:
    return {code: str(label) for code, label in _ACTION_LABELS.items()}


def reason_text(reason: str) -> str:
    from django.utils.translation import gettext

    return gettext(reason) if reason in _FIXED_REASONS else reason
