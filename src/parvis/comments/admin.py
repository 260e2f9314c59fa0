from django.contrib import admin

from .models import Comment, Reaction


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("target", "author", "created_at", "deleted_at")
    list_filter = ("created_at",)
    search_fields = ("target", "body", "author__last_name")
    raw_id_fields = ("author", "parent", "deleted_by")
    readonly_fields = ("body_html",)


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ("target", "user", "kind", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("user",)
