"""The e-mail outbox in the admin, read-only: what waits, what was sent, what failed (and
why), with an action to try failed e-mails again once the mail server is fixed. Members'
notifications are personal: they are not shown in the admin."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import EmailOutbox


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
