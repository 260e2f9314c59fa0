"""Teamwork between moderators: assigning a case, internal notes, lifting a sanction.

Writes like ``services.py`` (keyword-only, validated, in a transaction, audited). Internal
notes are staff work: never shown to members (not on their pages, not in their data export,
not in the API).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .models import CaseNote, ModerationCase, Sanction
from .notifying import tell
from .selectors import forget_sanction

MAX_TEXT = 4000


def _require_moderator(user):
    if not user.has_perm("moderation.decide_case"):
        raise PermissionDenied(_("Only moderators may do this."))


def _clean_text(text, field, required_message):
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: required_message})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("The text is too long (4000 characters at most).")})
    return text


def case_assign(*, case: ModerationCase, moderator, assignee) -> ModerationCase:
    """Give ``case`` to ``assignee`` (a moderator), or to nobody (``None``)."""
    _require_moderator(moderator)
    if assignee is not None and not assignee.has_perm("moderation.decide_case"):
        raise ValidationError({"assignee": _("A case can only be assigned to a moderator.")})
    with transaction.atomic():
        case = ModerationCase.objects.select_for_update().get(pk=case.pk)
        if case.assigned_to_id == (assignee.pk if assignee else None):
            return case
        case.assigned_to = assignee
        case.save(update_fields=["assigned_to"])
        audit_record(
            actor=moderator,
            action="moderation.case_assign",
            target=case,
            target_repr=case.object_repr,
            data={"assignee": assignee.pk if assignee else None},
            reason=str(assignee) if assignee else "",
        )
    return case


def case_note_add(*, case: ModerationCase, moderator, body: str) -> CaseNote:
    """An internal note on ``case`` for the other moderators."""
    _require_moderator(moderator)
    body = _clean_text(body, "body", _("Write the note."))
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=moderator, body=body)
        audit_record(
            actor=moderator,
            action="moderation.case_note",
            target=case,
            target_repr=case.object_repr,
            data={"note": note.pk},
        )
    return note


def sanction_lift(*, sanction: Sanction, moderator, reason: str) -> Sanction:
    """Lift a suspension or a ban now, with a statement of reasons sent to the member
    (not only through an appeal)."""
    _require_moderator(moderator)
    reason = _clean_text(
        reason,
        "reason",
        _("Give the reasons for lifting the sanction: they are sent to the member."),
    )
    with transaction.atomic():
        sanction = Sanction.objects.select_for_update().select_related("user").get(pk=sanction.pk)
        if sanction.lifted_at is not None or not sanction.is_active():
            raise ValidationError(_("This sanction is not in force: nothing to lift."))
        if sanction.user_id == moderator.pk:
            raise PermissionDenied(_("You cannot lift your own sanction."))
        sanction.lifted_at = timezone.now()
        sanction.lifted_by = moderator
        sanction.lift_reason = reason
        sanction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit_record(
            actor=moderator,
            action="moderation.sanction_lift",
            target=sanction.user,
            reason=reason,
            data={"sanction": sanction.pk, "kind": sanction.kind},
        )
        user_pk = sanction.user_id
        transaction.on_commit(lambda: forget_sanction(user_pk))
        tell(
            recipient=sanction.user,
            kind="moderation.sanction_lifted",
            context={
                "kind": sanction.kind,
                "kind_label": str(sanction.get_kind_display()),
                "reason": reason,
            },  # fmt: skip
            url="/",
        )
    return sanction
