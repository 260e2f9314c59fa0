"""What the platform needs to know of moderation's own records (see docs/architecture.md)."""

from parvis.core import pagecache

from .models import Appeal, AuditEntry, Decision, ModerationCase, Report

# --- page cache --------------------------------------------------------------------------------
# What moderation hides disappears from every page at once (``ALWAYS`` holds the cases'
# collection, retired when an item is hidden or shown again); reports, decisions, appeals and
# the audit log show on no visitor's page.
pagecache.declare(
    ModerationCase, list_fields=("is_hidden",), listed_if={"is_hidden": True}, collect=False
)
for model in (Report, Decision, Appeal, AuditEntry):
    pagecache.declare(model, silent=True)
