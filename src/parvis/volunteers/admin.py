"""The moderators' admin of the calls for volunteers: the skills members and calls choose
from, and the calls (read-only, with their slots)."""

from django.contrib import admin

from .models import Call, Skill, Slot


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0
    can_delete = False
    readonly_fields = ("label", "starts_at", "ends_at", "places", "taken")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "commune", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "description")
    list_select_related = ("commune",)
    readonly_fields = (
        "title",
        "description",
        "commune",
        "place",
        "organisation",
        "group",
        "event",
        "created_by",
        "status",
        "created_at",
        "deleted_at",
    )
    fields = readonly_fields
    inlines = [SlotInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
