"""The outboxes in the admin, read-only: the e-mails (what waits, what was sent, what failed
and why, with an action to try failed e-mails again once the mail server is fixed) and the
activities (what waits to be told, what failed, with an action to try again). Members'
notifications are personal: they are not shown in the admin, nor the activities' details."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import activities, services
from .models import Activity, EmailOutbox


@admin.register(EmailOutbox)
class EmailOutboxAdmin(admin.ModelAdmin):
    list_display = ("idempotency_key", "kind", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("idempotency_key",)
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    fields = (
        "idempotency_key",
        "kind",
        "recipient",
        "to_address",
        "template",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "queued_at",
        "sent_at",
    )
    readonly_fields = fields
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Try the failed e-mails again"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = services.outbox_retry_failed(outbox_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent again.",
                "%(count)d e-mails will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("kind", "target_type", "target_id", "due_at", "processed_at", "attempts")
    list_filter = ("kind", ("processed_at", admin.EmptyFieldListFilter))
    date_hierarchy = "created_at"
    list_select_related = ("target_type",)
    fields = (
        "kind",
        "actor",
        "target_type",
        "target_id",
        "batch_key",
        "created_at",
        "due_at",
        "queued_at",
        "processed_at",
        "attempts",
        "last_error",
    )
    readonly_fields = fields
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Tell the failed activities again"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = activities.activities_retry_failed(
            activity_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d activity will be told again.",
                "%(count)d activities will be told again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
