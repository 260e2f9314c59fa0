"""The audit log in the admin: read-only for everyone, in the moderator's language (action
labels and fixed reasons from ``audit.py``'s tables), targets by name with links, details as
lines rather than JSON."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from parvis.core.admin import admin_link

from .audit import action_label, reason_text
from .models import AuditEntry


class _ReadOnly(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def readable_details(data):
    """An entry's details as "key: value" lines, never raw JSON; "—" when empty."""
    if not data:
        return "—"
    if not isinstance(data, dict):
        return str(data)
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            value = (
                ", ".join(
                    str(item.get("changed", item)) if isinstance(item, dict) else str(item)
                    for item in value
                )
                or "—"
            )
        lines.append((key.replace("_", " "), value if value not in (None, "") else "—"))
    return format_html_join(mark_safe("<br>"), "{} : {}", lines)


@admin.register(AuditEntry)
class AuditEntryAdmin(_ReadOnly):
    """The audit log: read-only for everyone, superusers included (no add, change or delete
    permission whatever the groups say; the model refuses changes too)."""

    list_display = ("created_at", "actor_repr", "action_label", "target_repr", "short_reason")
    # Fixed date ranges rather than a date hierarchy: no scan of the whole log to list dates.
    list_filter = ("action", ("created_at", admin.DateFieldListFilter))
    search_fields = ("actor_repr", "target_repr", "reason", "action", "target_id")
    ordering = ("-created_at", "-pk")
    list_per_page = 100
    show_full_result_count = False
    fields = (
        "created_at",
        "actor_repr",
        "action_label",
        "target_link",
        "reason_readable",
        "details",
    )
    readonly_fields = fields
    list_select_related = ()

    @admin.display(description=_("what"), ordering="action")
    def action_label(self, entry):
        return capfirst(action_label(entry.action))

    @admin.display(description=_("why"))
    def short_reason(self, entry):
        text = reason_text(entry.reason or "")
        return text if len(text) <= 240 else text[:239] + "…"

    @admin.display(description=_("why"))
    def reason_readable(self, entry):
        return reason_text(entry.reason or "") or "—"

    @admin.display(description=_("target"))
    def target_link(self, entry):
        model = entry.target_content_type.model_class() if entry.target_content_type else None
        target = model._default_manager.filter(pk=entry.target_id).first() if model and (
            entry.target_id.isdigit()) else None  # fmt: skip
        if target is None:
            return entry.target_repr or "—"
        return admin_link(target)

    @admin.display(description=_("details"))
    def details(self, entry):
        return readable_details(entry.data)

    def has_view_permission(self, request, obj=None):
        user = request.user
        return bool(
            user.is_active and user.is_staff and user.has_perm("moderation.view_auditentry")
        )
