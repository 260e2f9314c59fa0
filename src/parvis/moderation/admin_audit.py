"""The audit log in the admin: read-only for everyone, in the moderator's language (action
labels and fixed reasons from ``audit.py``'s tables), targets by name with links, details as
lines rather than JSON."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from parvis.core.admin import admin_link

from .audit import action_label, action_labels, reason_text
from .models import AuditEntry, Ground, SanctionKind


class ActionFilter(admin.SimpleListFilter):
    """The actions by their labels (from the registered table: no scan of the log)."""

    title = _("what")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(
            ((code, capfirst(label)) for code, label in action_labels().items()),
            key=lambda choice: str(choice[1]),
        )

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class _ReadOnly(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


#: Keys of an entry's details that hold another row's number: shown as a link or left out.
ID_KEYS = {"author", "decision", "appeal", "note", "sanction", "assignee", "case"}
DETAIL_LABELS = {
    "ground": _("ground"),
    "hide_content": _("content hidden too"),
    "suspension_days": _("suspension (days)"),
    "kind": _("kind"),
    "admin_message": _("changes"),
    "rights": _("rights"),
    "contributions": _("contributions"),
}
CHOICES = {"ground": Ground, "kind": SanctionKind}


def _value(key, value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in (None, "", [], {}):
        return "—"
    if key in CHOICES:
        try:
            return CHOICES[key](value).label
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(_value(key, item) for item in value)
    if isinstance(value, dict):
        for name in ("changed", "added", "deleted"):
            if name in value:
                fields = value[name].get("fields", []) if isinstance(value[name], dict) else []
                return ", ".join(str(field) for field in fields) or str(name)
        return "; ".join(f"{k} : {_value(k, v)}" for k, v in value.items())
    return str(value)


def readable_details(data):
    """An entry's details as "label: value" lines, never raw JSON nor row numbers; "—" when
    there is nothing to say."""
    if not isinstance(data, dict):
        return str(data) if data else "—"
    lines = []
    for key, value in data.items():
        if key == "case" and str(value).isdigit():
            url = reverse("admin:moderation_moderationcase_change", args=[value])
            lines.append((_("case"), format_html('<a href="{}">{}</a>', url, _("open the case"))))
        elif key not in ID_KEYS:
            lines.append((DETAIL_LABELS.get(key, key.replace("_", " ")), _value(key, value)))
    if not lines:
        return "—"
    return format_html_join(mark_safe("<br>"), "{} : {}", lines)


@admin.register(AuditEntry)
class AuditEntryAdmin(_ReadOnly):
    """The audit log: read-only for everyone, superusers included (no add, change or delete
    permission whatever the groups say; the model refuses changes too)."""

    list_display = ("created_at", "who", "action_label", "target_repr", "short_reason")
    # Fixed date ranges rather than a date hierarchy: no scan of the whole log to list dates.
    list_filter = (ActionFilter, ("created_at", admin.DateFieldListFilter))
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

    @admin.display(description=_("who"), ordering="actor_repr")
    def who(self, entry):
        """The name only (the e-mail address is on the entry's page)."""
        return entry.actor_repr.split(" <", 1)[0] or "—"

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
