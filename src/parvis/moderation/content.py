"""What the platform knows about moderation's own records, declared once (see
``parvis.core.content``): the notification kinds (``notifications.py``: statements of
reasons, report outcomes, appeals) and what a data export and an erasure do with the reports,
decisions, appeals, sanctions and audit entries that name a member."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from parvis.core import pagecache
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import MODERATION_RECORD, STAFF_WORK
from parvis.privacy.registry import CUSTOM, DELETE, KEEP, LAST

from . import (
    backoffice,
    notifications,  # noqa: F401  (the notification kinds)
)
from .audit import action_labels_register, fixed_reasons_register
from .models import (
    Appeal,
    AppealStatus,
    AuditEntry,
    CaseStatus,
    Decision,
    DecisionAction,
    ModerationCase,
    Report,
)

User = get_user_model()

# --- personal data (parvis.privacy.registry) ------------------------------------------------


def _moderation_cases(context):
    """Cases about the member's items stay (moderation record); a case about their profile
    no longer names them."""
    user_type = ContentType.objects.get_for_model(User)
    ModerationCase.objects.filter(content_type=user_type, object_id=context.member.pk).update(
        object_repr=context.former_member
    )


privacy.not_exported(
    "moderation.ModerationCase.author",
    reason="Cases about the member's items: the decisions taken are exported "
    "(moderation_decisions); the reports would reveal who reported.",
)
privacy.erase(
    "moderation.ModerationCase.author",
    action=CUSTOM,
    handler=_moderation_cases,
    order=LAST,
)

privacy.export(
    "moderation.Report.reporter",
    section="reports_made",
    fields=(
        ("item", lambda row: row.case.object_repr),
        "reason",
        "details",
        "created_at",
        ("case_status", lambda row: row.case.status),
        "outcome_sent_at",
    ),
    queryset=lambda member: Report.objects.filter(reporter=member).select_related("case"),
)
privacy.erase("moderation.Report.reporter", action=DELETE)

privacy.not_exported("moderation.Decision.moderator", reason=STAFF_WORK)
privacy.erase("moderation.Decision.moderator", action=KEEP, reason=STAFF_WORK)
privacy.export(
    "moderation.Decision.author",
    section="moderation_decisions",
    # What the statement of reasons told the member; not who reported, not the moderator.
    fields=(
        ("item", lambda row: row.case.object_repr),
        "action",
        "ground",
        "facts",
        "hide_content",
        "suspension_days",
        "created_at",
        ("statement_url", lambda row: row.get_absolute_url()),
    ),
    queryset=lambda member: Decision.objects.filter(author=member).select_related("case"),
)
privacy.erase("moderation.Decision.author", action=KEEP, reason=MODERATION_RECORD)

privacy.export(
    "moderation.Appeal.appellant",
    section="appeals",
    fields=(
        ("decision", lambda row: str(row.decision)),
        "statement",
        "status",
        "outcome_reason",
        "created_at",
        "decided_at",
    ),
)
privacy.erase("moderation.Appeal.appellant", action=KEEP, reason=MODERATION_RECORD)
privacy.not_exported("moderation.Appeal.decided_by", reason=STAFF_WORK)
privacy.erase("moderation.Appeal.decided_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "moderation.Sanction.user",
    section="sanctions",
    fields=("kind", "starts_at", "ends_at", "lifted_at"),
)
privacy.erase("moderation.Sanction.user", action=KEEP, reason=MODERATION_RECORD)

privacy.export(
    "moderation.AuditEntry.actor",
    section="audit_log",
    # What the member did; not the details, which may name the members they acted on.
    fields=(
        "action",
        "created_at",
        ("target_type", lambda row: str(row.target_content_type or "")),
    ),
    queryset=lambda member: (
        AuditEntry.objects.filter(actor=member)
        .select_related("target_content_type")
        .order_by("created_at", "pk")
    ),
)
privacy.erase(
    "moderation.AuditEntry.actor",
    action=KEEP,
    reason="The audit log is immutable and kept for accountability (GDPR art. 5(2)).",
)


# --- page cache --------------------------------------------------------------------------------
# What moderation hides disappears from every page at once (``ALWAYS`` holds the cases'
# collection, retired when an item is hidden or shown again); reports, decisions, appeals and
# the audit log show on no visitor's page.
pagecache.declare(
    ModerationCase, list_fields=("is_hidden",), listed_if={"is_hidden": True}, collect=False
)
for model in (Report, Decision, Appeal, AuditEntry):
    pagecache.declare(model, silent=True)

# Teamwork (teamwork.py): staff work, never exported to the member.
privacy.not_exported("moderation.ModerationCase.assigned_to", reason=STAFF_WORK)
privacy.erase("moderation.ModerationCase.assigned_to", action=KEEP, reason=STAFF_WORK)
privacy.not_exported("moderation.CaseNote.author", reason=STAFF_WORK)
privacy.erase("moderation.CaseNote.author", action=KEEP, reason=STAFF_WORK)
privacy.not_exported("moderation.Sanction.lifted_by", reason=STAFF_WORK)
privacy.erase("moderation.Sanction.lifted_by", action=KEEP, reason=STAFF_WORK)


# --- the back office: the dashboard's queues and the audit log's labels ---------------------

backoffice.register(
    backoffice.Queue(
        key="cases",
        label=_("Reported items"),
        queryset=lambda: ModerationCase.objects.filter(status=CaseStatus.OPEN),
        since="opened_at",
        admin_model="moderation.moderationcase",
        permission="moderation.change_moderationcase",
        order=10,
        decisions=tuple(f"moderation.{action}" for action in DecisionAction.values)
        + ("moderation.sanction_lift",),
        assigned=lambda user: ModerationCase.objects.filter(
            status=CaseStatus.OPEN, assigned_to=user
        ).order_by("opened_at"),
    )
)
backoffice.register(
    backoffice.Queue(
        key="appeals",
        label=_("Appeals"),
        queryset=lambda: Appeal.objects.filter(status=AppealStatus.PENDING),
        since="created_at",
        admin_model="moderation.appeal",
        permission="moderation.change_appeal",
        order=20,
        decisions=("moderation.appeal_upheld", "moderation.appeal_reversed"),
    )
)

backoffice.link_register(
    label=_("DSA transparency report"),
    url_name="admin:moderation_transparency",
    permission="moderation.view_decision",
    order=10,
)

action_labels_register(
    {
        "moderation.dismiss": _("reports dismissed"),
        "moderation.hide": _("content hidden"),
        "moderation.restore": _("content restored"),
        "moderation.delete": _("content deleted"),
        "moderation.warn": _("author warned"),
        "moderation.suspend": _("author suspended"),
        "moderation.ban": _("author banned"),
        "moderation.auto_hide": _("hidden by the reports' threshold"),
        "moderation.appeal_upheld": _("appeal rejected: decision upheld"),
        "moderation.appeal_reversed": _("appeal accepted: decision reversed"),
        "moderation.case_assign": _("case assigned"),
        "moderation.case_note": _("internal note written"),
        "moderation.sanction_lift": _("sanction lifted"),
        "admin.add": _("added in the admin"),
        "admin.change": _("changed in the admin"),
        "admin.delete": _("deleted in the admin"),
        "gdpr.export": _("data archive built"),
        "gdpr.export_download": _("data archive downloaded"),
        "gdpr.erasure": _("account erased"),
        "gdpr.organisation_close": _("organisation closed (erasure)"),
        "gdpr.organisation_handover": _("organisation handed over (erasure)"),
    }
)
# The English reasons privacy.services writes (marked here so that makemessages keeps them).
fixed_reasons_register(
    gettext_noop("Requested by the member"), gettext_noop("Downloaded by the member")
)
