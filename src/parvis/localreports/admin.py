"""The moderators' admin of local reports: the categories (name, who handles them, order), and
the reports (read-only, with their steps); triage happens on the report's page."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Category, Photo, Report, Update


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "route", "position", "is_active")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name",)}


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    can_delete = False
    readonly_fields = ("image", "position")

    def has_add_permission(self, request, obj=None):
        return False


class UpdateInline(admin.TabularInline):
    model = Update
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "author", "institution_name", "status", "body")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "institution", "support_count", "created_at")
    list_filter = ("status", "category", ("institution", admin.EmptyFieldListFilter))
    search_fields = ("description", "address", "commune__name")
    date_hierarchy = "created_at"
    list_select_related = ("category", "commune", "institution")
    readonly_fields = (
        "author",
        "commune",
        "category",
        "description",
        "address",
        "latitude",
        "longitude",
        "institution",
        "status",
        "rejection_reason",
        "created_at",
        "updated_at",
        "resolved_at",
        "support_count",
        "deleted_at",
        "deleted_by",
        "public_page",
    )
    fields = readonly_fields
    inlines = [PhotoInline, UpdateInline]

    @admin.display(description=_("public page (to triage)"))
    def public_page(self, report):
        return format_html('<a href="{}">{}</a>', report.get_absolute_url(), _("Open"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
