"""Writes of moderation: reports, decisions, appeals, sanctions.

Every function is keyword-only, validates before writing, writes in a transaction, records
staff actions in the audit log (``audit.audit_record``) and tells members after commit
(``notifying.tell``). Permission failures raise ``PermissionDenied``; invalid input raises
``ValidationError`` with a message for the person, and changes nothing.

- ``report_create``: a member reports an item; the item's case opens (or re-opens); past
  ``PARVIS_REPORTS_HIDE_THRESHOLD`` distinct reporters since the last decision (weighed by
  account age and verification, ``weighing``), the item is hidden until a moderator reviews
  it; an item of a verified institution or official only goes to review.
- ``case_decide``: a moderator decides (dismiss, hide, restore, delete, warn, suspend, ban)
  with a ground and the facts; the author gets a statement of reasons (with how to appeal
  when the decision restricts them), the reporters learn the outcome.
- ``appeal_create`` / ``appeal_decide``: the member concerned appeals once; a moderator other
  than the one who decided upholds or reverses the decision.
"""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from . import ratelimit, registry, weighing
from .audit import audit_record
from .models import (
    ACCOUNT_ACTIONS,
    RESTRICTIVE_ACTIONS,
    Appeal,
    AppealStatus,
    CaseStatus,
    Decision,
    DecisionAction,
    Ground,
    ModerationCase,
    Report,
    ReportReason,
    Sanction,
    SanctionKind,
)
from .notifying import tell
from .selectors import forget_sanction, is_appealable

STATEMENT_SALT = "parvis.moderation.statement"
MAX_SUSPENSION_DAYS = 365
HOUR = 3600


# --- links to a statement of reasons ----------------------------------------------------------


def statement_token(decision) -> str:
    """A signed token opening the statement (and its appeal form) without logging in: a
    suspended member cannot log in, yet must be able to read and appeal the decision."""
    return signing.dumps({"d": decision.pk, "u": decision.author_id}, salt=STATEMENT_SALT)


def statement_token_is_valid(decision, token) -> bool:
    try:
        data = signing.loads(token or "", salt=STATEMENT_SALT)
    except signing.BadSignature:
        return False
    return data == {"d": decision.pk, "u": decision.author_id}


def statement_path(decision) -> str:
    return (
        reverse("moderation:statement", kwargs={"pk": decision.pk})
        + f"?jeton={statement_token(decision)}"
    )


# --- helpers ----------------------------------------------------------------------------------


def _require_member(user):
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Log in to do this."))


def _require_moderator(user, permission="moderation.decide_case"):
    """``moderation.decide_case`` or ``moderation.decide_appeal`` (see ``rules.py``)."""
    if not user.has_perm(permission):
        raise PermissionDenied(_("Only moderators may do this."))


def _label(entry):
    return str(entry.label) if entry else ""


def _local(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _entry_for(case):
    return registry.get_for_model(case.content_type.model_class()) if case.content_type else None


def _set_hidden(case, obj, entry, hidden: bool, *, automatically=False):
    """Hide or restore ``obj`` (the case is saved by the caller)."""
    changed = case.is_hidden != hidden
    case.is_hidden = hidden
    case.hidden_automatically = hidden and automatically
    if changed and obj is not None and entry is not None:
        hook = entry.on_hide if hidden else entry.on_restore
        if hook:
            hook(obj)
    return changed


def _case_for_item(obj, entry):
    """The item's case, created if missing, locked until the end of the transaction."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    author = entry.author_of(obj)
    case, _created = ModerationCase.objects.get_or_create(
        content_type=content_type,
        object_id=obj.pk,
        defaults={
            "object_repr": entry.title(obj)[:300],
            "object_url": entry.public_url(obj)[:500],
            "author": author,
        },
    )
    case = ModerationCase.objects.select_for_update().select_related("content_type").get(pk=case.pk)
    return case, author


# --- reports ----------------------------------------------------------------------------------


def report_create(*, reporter, obj, reason: str, details: str = "") -> Report:
    """``reporter`` reports ``obj``: one report per member and item, rate-limited.

    Re-opens the item's case if a moderator had closed it; hides the item until reviewed when
    ``PARVIS_REPORTS_HIDE_THRESHOLD`` distinct members reported it since the last decision.
    """
    _require_member(reporter)
    entry = registry.get_for_model(obj) if obj is not None else None
    if entry is None or obj.pk is None:
        raise ValidationError(_("This content cannot be reported."), code="not_reportable")
    if not entry.is_visible_to(obj, reporter):
        raise PermissionDenied(_("This content cannot be reported."))
    author = entry.author_of(obj)
    if author is not None and author.pk == reporter.pk:
        raise ValidationError(_("You cannot report your own content."), code="own_content")
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Choose the reason of your report.")})
    details = (details or "").strip()
    if reason == ReportReason.OTHER and not details:
        raise ValidationError(
            {"details": _("Say what is wrong with this content: you chose “other”.")}
        )
    if len(details) > 2000:
        raise ValidationError({"details": _("The details are too long (2000 characters at most).")})
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    if Report.objects.filter(
        case__content_type=content_type, case__object_id=obj.pk, reporter=reporter
    ).exists():
        raise ValidationError(
            _("You have already reported this content: moderators will review it."),
            code="duplicate",
        )
    limit = settings.PARVIS_REPORTS_PER_HOUR
    if ratelimit.limit_reached("report", reporter.pk, limit=limit, period=HOUR):
        raise ValidationError(
            _(
                "You have sent many reports in the last hour (%(limit)d at most). "
                "Please try again later."
            )
            % {"limit": limit},
            code="rate_limited",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            case, author = _case_for_item(obj, entry)
            report = Report(case=case, reporter=reporter, reason=reason, details=details)
            report.full_clean(exclude=["case", "reporter"], validate_constraints=False)
            report.save()
            updated = []
            if case.status == CaseStatus.CLOSED:  # a new report re-opens a decided case
                case.status = CaseStatus.OPEN
                case.opened_at = now
                case.object_repr = entry.title(obj)[:300]
                case.object_url = entry.public_url(obj)[:500]
                case.author = author
                updated += ["status", "opened_at", "object_repr", "object_url", "author"]
            if _threshold_reached(case) and not entry.speaks_for_verified_source(obj):
                _set_hidden(case, obj, entry, True, automatically=True)
                updated += ["is_hidden", "hidden_automatically"]
                _after_automatic_hiding(case, obj, entry, author)
            if updated:
                case.save(update_fields=updated)
    except IntegrityError:
        raise ValidationError(
            _("You have already reported this content: moderators will review it."),
            code="duplicate",
        ) from None
    ratelimit.consume("report", reporter.pk, period=HOUR)
    return report


def _threshold_reached(case) -> bool:
    if case.is_hidden:
        return False
    reports = case.reports.all()
    if case.decided_at is not None:
        reports = reports.filter(created_at__gt=case.decided_at)
    return weighing.hides_before_review(reports)


def _after_automatic_hiding(case, obj, entry, author):
    count = case.reports.count()
    audit_record(
        actor=None,
        action="moderation.auto_hide",
        target=obj,
        reason=str(_("Reported by %(count)d members: hidden until a moderator reviews it."))
        % {"count": count},
        data={"case": case.pk, "threshold": settings.PARVIS_REPORTS_HIDE_THRESHOLD},
    )
    if author is not None:
        tell(
            recipient=author,
            kind="moderation.hidden_pending_review",
            context={"item": case.object_repr, "kind": _label(entry)},
            url=case.object_url or "/",
        )


# --- decisions --------------------------------------------------------------------------------


def _clean_decision(*, case, moderator, action, ground, facts, suspension_days, hide_content):
    """Validate a decision; returns the cleaned (ground, facts, suspension_days)."""
    errors = {}
    if action not in DecisionAction.values:
        errors["action"] = [_("Choose a decision.")]
    facts = (facts or "").strip()
    if not facts:
        errors["facts"] = [
            _("State the facts and your reasoning: they are sent to the member concerned.")
        ]
    elif len(facts) > 4000:
        errors["facts"] = [_("The facts are too long (4000 characters at most).")]
    if action in (DecisionAction.DISMISS, DecisionAction.RESTORE):
        ground = ground or Ground.NO_BREACH
        if ground != Ground.NO_BREACH:
            errors["ground"] = [
                _("Dismissing or restoring means no breach was found: choose that ground.")
            ]
    elif ground not in Ground.values or ground == Ground.NO_BREACH:
        errors["ground"] = [
            _("Choose the ground of the decision: the law or the rule that was broken.")
        ]
    if action == DecisionAction.SUSPEND:
        try:
            suspension_days = int(suspension_days)
        except (TypeError, ValueError):
            suspension_days = 0
        if not 1 <= suspension_days <= MAX_SUSPENSION_DAYS:
            errors["suspension_days"] = [
                _("Give the length of the suspension: from 1 to %(max)d days.")
                % {"max": MAX_SUSPENSION_DAYS}
            ]
    else:
        suspension_days = None
    if errors:
        raise ValidationError(errors)
    if action in ACCOUNT_ACTIONS and case.author_id is None:
        raise ValidationError(
            _("This item has no author any more: only its content can be acted upon.")
        )
    if case.author_id is not None and case.author_id == moderator.pk:
        raise PermissionDenied(_("You cannot decide on your own content: ask another moderator."))
    if case.is_deleted and (
        action in (DecisionAction.HIDE, DecisionAction.RESTORE, DecisionAction.DELETE)
        or hide_content
    ):
        raise ValidationError(_("The item no longer exists: it cannot be hidden or restored."))
    if action == DecisionAction.RESTORE and not case.is_hidden:
        raise ValidationError(_("The item is not hidden: there is nothing to restore."))
    if action == DecisionAction.HIDE and case.is_hidden and not case.hidden_automatically:
        raise ValidationError(_("The item is already hidden by a moderator's decision."))
    return ground, facts, suspension_days


def case_decide(
    *,
    case: ModerationCase,
    moderator,
    action: str,
    ground: str,
    facts: str,
    suspension_days: int | None = None,
    hide_content: bool = False,
) -> Decision:
    """Decide on ``case`` and tell the people concerned.

    ``action``: a ``DecisionAction``. ``ground``: a ``Ground`` (``no_breach`` for dismiss and
    restore, a breach otherwise). ``facts``: what the moderator found and why it leads to the
    decision, sent to the member. ``suspension_days``: for ``suspend``. ``hide_content``: for
    ``warn``, ``suspend`` and ``ban``, whether the item is hidden too (else it stays).
    """
    _require_moderator(moderator)
    with transaction.atomic():
        case = (
            ModerationCase.objects.select_for_update()
            .select_related("content_type")
            .get(pk=case.pk)
        )
        ground, facts, suspension_days = _clean_decision(
            case=case,
            moderator=moderator,
            action=action,
            ground=ground,
            facts=facts,
            suspension_days=suspension_days,
            hide_content=hide_content,
        )
        entry = _entry_for(case)
        obj = entry.get(case.object_id) if entry else None
        if obj is None and action in (
            DecisionAction.HIDE,
            DecisionAction.RESTORE,
            DecisionAction.DELETE,
        ):
            raise ValidationError(_("The item no longer exists: it cannot be hidden or restored."))
        now = timezone.now()
        hide_content = bool(hide_content) and action in ACCOUNT_ACTIONS and obj is not None
        decision = Decision(
            case=case,
            action=action,
            ground=ground,
            facts=facts,
            hide_content=hide_content,
            suspension_days=suspension_days,
            moderator=moderator,
            author_id=case.author_id,
            created_at=now,
        )
        decision.save()
        audit_record(
            actor=moderator,
            action=f"moderation.{action}",
            target=obj if obj is not None else case,
            target_repr=case.object_repr,
            reason=facts,
            data={
                "case": case.pk,
                "decision": decision.pk,
                "ground": ground,
                "suspension_days": suspension_days,
                "hide_content": hide_content,
                "author": case.author_id,
            },
        )
        was_hidden = case.is_hidden
        updated = ["status", "decided_at", "is_hidden", "hidden_automatically"]
        if obj is None and not case.is_deleted:  # deleted by other means in the meantime
            case.is_deleted = True
            updated.append("is_deleted")
        if action == DecisionAction.DELETE:
            entry.delete(obj, decision)
            case.is_deleted = not entry.model._default_manager.filter(pk=case.object_id).exists()
            _set_hidden(case, None, entry, False)
            updated.append("is_deleted")
        elif action == DecisionAction.HIDE or hide_content:
            _set_hidden(case, obj, entry, True)
        else:  # dismiss, restore, or an account decision leaving the content in place
            _set_hidden(case, obj, entry, False)
        if action in (DecisionAction.SUSPEND, DecisionAction.BAN):
            Sanction.objects.create(
                user_id=case.author_id,
                kind=SanctionKind.SUSPENSION
                if action == DecisionAction.SUSPEND
                else SanctionKind.BAN,
                decision=decision,
                starts_at=now,
                ends_at=now + dt.timedelta(days=suspension_days)
                if action == DecisionAction.SUSPEND
                else None,
            )
            author_pk = case.author_id
            transaction.on_commit(lambda: forget_sanction(author_pk))
        case.status = CaseStatus.CLOSED
        case.decided_at = now
        case.save(update_fields=updated)
        _tell_author(decision, entry, was_hidden=was_hidden)
        _tell_reporters(case, decision, entry)
    return decision


def _tell_author(decision, entry, *, was_hidden):
    """The statement of reasons: for every restrictive decision, and when a hidden item of
    the member is visible again."""
    author = decision.author
    if author is None:
        return
    case = decision.case
    if decision.action not in RESTRICTIVE_ACTIONS and not (was_hidden and not case.is_hidden):
        return
    context = {
        "decision_id": decision.pk,
        "action": decision.action,
        "action_label": str(decision.get_action_display()),
        "ground": str(decision.get_ground_display()),
        "facts": decision.facts,
        "item": case.object_repr,
        "kind": _label(entry),
        "restrictive": decision.action in RESTRICTIVE_ACTIONS,
        "suspension_days": decision.suspension_days,
        "hide_content": decision.hide_content,
        "appeal_days": settings.PARVIS_APPEAL_DAYS,
    }
    tell(
        recipient=author, kind="moderation.statement", context=context, url=statement_path(decision)
    )


def _tell_reporters(case, decision, entry):
    """Each reporter not told yet learns the outcome of their report."""
    pending = list(case.reports.filter(outcome_sent_at__isnull=True).select_related("reporter"))
    if not pending:
        return
    upheld = decision.action in RESTRICTIVE_ACTIONS
    action, action_label = decision.action, str(decision.get_action_display())
    if decision.action in ACCOUNT_ACTIONS:  # the sanction itself is the author's business
        action, action_label = "account_measure", str(_("measures about the author's account"))
    for report in pending:
        tell(
            recipient=report.reporter,
            kind="moderation.report_outcome",
            context={
                "item": case.object_repr,
                "kind": _label(entry),
                "reported_at": _local(report.created_at),
                "action": action,
                "action_label": action_label,
                "ground": str(decision.get_ground_display()),
                "upheld": upheld,
            },
            url=case.object_url if not case.is_deleted and not case.is_hidden else "/",
        )
    Report.objects.filter(pk__in=[report.pk for report in pending]).update(
        outcome_sent_at=decision.created_at
    )


# --- appeals ----------------------------------------------------------------------------------


def appeal_create(*, decision: Decision, appellant, statement: str) -> Appeal:
    """The member concerned contests ``decision``, once, within ``PARVIS_APPEAL_DAYS``."""
    if appellant is None or decision.author_id is None or appellant.pk != decision.author_id:
        raise PermissionDenied(_("Only the member concerned by a decision may appeal it."))
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Explain why the decision should be reversed.")})
    if len(statement) > 4000:
        raise ValidationError({"statement": _("Your text is too long (4000 characters at most).")})
    if Appeal.objects.filter(decision=decision).exists():
        raise ValidationError(
            _("You have already appealed this decision: an appeal is possible only once."),
            code="duplicate",
        )
    if decision.action not in RESTRICTIVE_ACTIONS:
        raise ValidationError(_("This decision does not restrict you: it cannot be appealed."))
    if not is_appealable(decision, days=settings.PARVIS_APPEAL_DAYS):
        raise ValidationError(
            _("The period to appeal this decision (%(days)d days) is over.")
            % {"days": settings.PARVIS_APPEAL_DAYS},
            code="too_late",
        )
    appeal = Appeal(decision=decision, appellant=appellant, statement=statement)
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:
        raise ValidationError(
            _("You have already appealed this decision: an appeal is possible only once."),
            code="duplicate",
        ) from None
    return appeal


def appeal_decide(*, appeal: Appeal, moderator, outcome: str, reason: str) -> Appeal:
    """Uphold or reverse the decision ``appeal`` contests. The moderator who took the decision
    may not decide its appeal: another moderator must. Reversing lifts the decision's effects
    that can be undone (the item is shown again, the sanction lifted); a deleted item is gone,
    and the member is told they may publish it again."""
    _require_moderator(moderator, "moderation.decide_appeal")
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update()
            .select_related("decision", "decision__case", "decision__case__content_type")
            .get(pk=appeal.pk)
        )
        decision = appeal.decision
        if decision.moderator_id == moderator.pk:
            raise PermissionDenied(
                _("You took the decision under appeal: another moderator must decide the appeal.")
            )
        if appeal.appellant_id == moderator.pk:
            raise PermissionDenied(_("You cannot decide your own appeal."))
        if appeal.status != AppealStatus.PENDING:
            raise ValidationError(_("This appeal has already been decided."))
        if outcome not in (AppealStatus.UPHELD, AppealStatus.REVERSED):
            raise ValidationError({"outcome": _("Choose: uphold or reverse the decision.")})
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(
                {"reason": _("Give the reasons of the outcome: they are sent to the member.")}
            )
        if len(reason) > 4000:
            raise ValidationError({"reason": _("The reasons are too long (4000 characters).")})
        now = timezone.now()
        case = decision.case
        if outcome == AppealStatus.REVERSED:
            _reverse(decision, case, now)
        appeal.status = outcome
        appeal.decided_by = moderator
        appeal.decided_at = now
        appeal.outcome_reason = reason
        appeal.save(update_fields=["status", "decided_by", "decided_at", "outcome_reason"])
        audit_record(
            actor=moderator,
            action=f"moderation.appeal_{outcome}",
            target=case,
            target_repr=case.object_repr,
            reason=reason,
            data={"case": case.pk, "decision": decision.pk, "appeal": appeal.pk},
        )
        tell(
            recipient=appeal.appellant,
            kind="moderation.appeal_decided",
            context={
                "item": case.object_repr,
                "action": decision.action,
                "action_label": str(decision.get_action_display()),
                "outcome": outcome,
                "reason": reason,
                "deleted": decision.action == DecisionAction.DELETE,
            },
            url=statement_path(decision),
        )
    return appeal


def _reverse(decision, case, now):
    """Undo what can be undone of ``decision``."""
    entry = _entry_for(case)
    if case.is_hidden and (decision.action == DecisionAction.HIDE or decision.hide_content):
        obj = entry.get(case.object_id) if entry else None
        _set_hidden(case, obj, entry, False)
        case.save(update_fields=["is_hidden", "hidden_automatically"])
    lifted = Sanction.objects.filter(decision=decision, lifted_at__isnull=True).update(
        lifted_at=now
    )
    if lifted and decision.author_id:
        author_pk = decision.author_id
        transaction.on_commit(lambda: forget_sanction(author_pk))
