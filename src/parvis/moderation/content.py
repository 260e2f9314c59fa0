"""What the platform knows about moderation's own records, declared once (see
``parvis.core.content``): the notification kinds (``notifications.py``: statements of
reasons, report outcomes, appeals) and what a data export and an erasure do with the reports,
decisions, appeals, sanctions and audit entries that name a member."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from parvis.core import pagecache
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import MODERATION_RECORD, STAFF_WORK
from parvis.privacy.registry import CUSTOM, DELETE, KEEP, LAST

from . import notifications  # noqa: F401  (the notification kinds)
from .models import Appeal, AuditEntry, Decision, ModerationCase, Report

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
