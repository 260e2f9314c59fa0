"""The admin's home: the moderators' dashboard (``backoffice.py`` has the queues)."""

from . import backoffice
from .audit import action_label, reason_text
from .models import AuditEntry

TEMPLATE = "moderation/admin/dashboard.html"


def dashboard_context(request):
    user = request.user
    codes = backoffice.decision_codes(user)
    recent = []
    if codes and user.has_perm("moderation.view_auditentry"):
        for entry in AuditEntry.objects.filter(action__in=codes).only(
            "created_at", "actor_repr", "action", "target_repr", "reason"
        )[: backoffice.RECENT_DECISIONS]:
            entry.action_text = action_label(entry.action)
            entry.reason_readable = reason_text(entry.reason)
            entry.who = entry.actor_repr.split(" <", 1)[0]
            recent.append(entry)
    return {
        "queues": backoffice.queue_figures(user),
        "assigned": backoffice.assigned_to(user),
        "recent_decisions": recent,
        "links": backoffice.links_for(user),
        "late_after_days": 2,
    }


def install(site):
    """Make ``site``'s index the dashboard (the app list stays below it)."""
    original_index = site.index

    def index(request, extra_context=None):
        return original_index(request, {**dashboard_context(request), **(extra_context or {})})

    site.index = index
    site.index_template = TEMPLATE
