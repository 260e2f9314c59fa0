from django.contrib import admin

from .models import DataExport, InactivityNotice


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Read-only: when members asked for their data and what became of it (never the file)."""

    list_display = ("member", "status", "requested_at", "ready_at", "expires_at", "downloaded_at")
    list_filter = ("status",)
    date_hierarchy = "requested_at"
    raw_id_fields = ("member",)
    fields = list_display + ("size", "attempts")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InactivityNotice)
class InactivityNoticeAdmin(admin.ModelAdmin):
    list_display = ("member", "last_activity_at", "warned_at", "erasure_after")
    raw_id_fields = ("member",)
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
