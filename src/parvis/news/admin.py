"""Post categories, posts and follows in the moderators' admin.

Moderators read every post (filters by status, category, kind of publisher, targeted
territory) and unpublish one with a reason, e-mailed to its author and recorded in the post's
history; they may publish again a post a moderator unpublished (after an appeal). Posts are
written on the site, through the services: the admin neither adds nor edits them.
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from parvis.core.admin import count_message, immediate_action, reason_action
from parvis.organisations.models import OrganisationKind
from parvis.territories.models import Territory, TerritoryKind

from . import services
from .models import Category, Follow, Post, PostStatus


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "is_active")
    list_editable = ("position", "is_active")
    ordering = ("position", "name")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


def _unpublish(post, moderator, *, reason):
    services.post_unpublish(post=post, actor=moderator, reason=reason)
    return _("Post unpublished: %(reason)s") % {"reason": reason}


def _restore(post, moderator):
    services.post_restore(post=post, moderator=moderator)
    return _("Post published again.")


unpublish_action = reason_action(
    name="unpublish_posts",
    description=_("Unpublish the selected posts (with a reason)"),
    title=_("Unpublish posts"),
    intro=_(
        "The posts leave the site at once. The reason is e-mailed to each author; only a "
        "moderator may publish the post again."
    ),
    perform=_unpublish,
    done_message=count_message(
        ngettext_lazy(
            "%(count)d post unpublished; its author has been told why.",
            "%(count)d posts unpublished; their authors have been told why.",
            "count",
        )
    ),
)
restore_action = immediate_action(
    name="restore_posts",
    description=_("Publish again the selected posts a moderator unpublished"),
    perform=_restore,
    done_message=count_message(
        ngettext_lazy(
            "%(count)d post published again; its author has been told.",
            "%(count)d posts published again; their authors have been told.",
            "count",
        )
    ),
)


class VisibilityFilter(admin.SimpleListFilter):
    """Live, scheduled, display ended (the status alone does not say it)."""

    title = _("visibility")
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [
            ("live", _("live")),
            ("scheduled", _("scheduled")),
            ("expired", _("display ended")),
            ("moderated", _("unpublished by a moderator")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=PostStatus.PUBLISHED)
        match self.value():
            case "live":
                return published.filter(publish_at__lte=now).exclude(expires_at__lte=now)
            case "scheduled":
                return published.filter(publish_at__gt=now)
            case "expired":
                return published.filter(expires_at__lte=now)
            case "moderated":
                return queryset.filter(status=PostStatus.UNPUBLISHED).exclude(moderation_reason="")
        return queryset


class PublisherKindFilter(admin.SimpleListFilter):
    title = _("published by")
    parameter_name = "publisher"

    def lookups(self, request, model_admin):
        return [
            ("institution", _("institutions")),
            ("association", _("associations")),
            ("official", _("elected officials")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "institution":
                return queryset.filter(organisation__kind=OrganisationKind.INSTITUTION)
            case "association":
                return queryset.filter(organisation__kind=OrganisationKind.ASSOCIATION)
            case "official":
                return queryset.filter(organisation__isnull=True)
        return queryset


class TargetFilter(admin.SimpleListFilter):
    """Posts targeted at an intercommunality or an arrondissement, or at the whole
    département."""

    title = _("target")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        territories = Territory.objects.filter(
            kind__in=[TerritoryKind.ARRONDISSEMENT, TerritoryKind.EPCI]
        ).order_by("kind", "name")
        return [("all", _("the whole département"))] + [
            (str(pk), name) for pk, name in territories.values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        through = Post.audience.through
        if value == "all":
            return queryset.exclude(Exists(through.objects.filter(post_id=OuterRef("pk"))))
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(
            Exists(through.objects.filter(post_id=OuterRef("pk"), territory_id=int(value)))
        )


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "category", "status", "publish_at", "expires_at")
    list_filter = (
        "status",
        VisibilityFilter,
        PublisherKindFilter,
        "category",
        TargetFilter,
    )
    search_fields = (
        "title",
        "organisation__name",
        "author__email",
        "author__last_name",
        "audience__name",
    )
    list_select_related = ("category", "organisation", "author")
    date_hierarchy = "publish_at"
    ordering = ("-created_at",)
    actions = [unpublish_action, restore_action]
    fieldsets = (
        (None, {"fields": ("title", "slug", "category", "body", "image", "image_alt")}),
        (_("Publisher and target"), {"fields": ("author", "organisation", "audience_names")}),
        (
            _("Publication"),
            {
                "fields": (
                    "status",
                    "publish_at",
                    "expires_at",
                    "moderation_reason",
                    "unpublished_by",
                    "unpublished_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    readonly_fields = (
        "title",
        "slug",
        "category",
        "body",
        "image",
        "image_alt",
        "author",
        "organisation",
        "audience_names",
        "status",
        "publish_at",
        "expires_at",
        "moderation_reason",
        "unpublished_by",
        "unpublished_at",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("published by"))
    def publisher(self, post):
        return post.organisation or post.author

    @admin.display(description=_("target territories"))
    def audience_names(self, post):
        names = [territory.name for territory in post.audience.order_by("kind", "name")]
        return ", ".join(names) or _("the whole département")

    def has_add_permission(self, request):
        return False  # posts are written on the site, through the services

    def has_delete_permission(self, request, obj=None):
        return False  # unpublish instead: the record stays


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "territory", "organisation", "followed_user", "created_at")
    list_select_related = ("user", "territory", "organisation", "followed_user")
    raw_id_fields = ("user", "territory", "organisation", "followed_user")
    search_fields = ("user__email", "user__last_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
