"""Groups in the moderators' admin.

Site moderators close a group (read-only), reopen it or delete it — always with a stated
reason, sent to the members — and delete or restore discussions and messages (the reason
goes to the author). Everything else is read-only here: groups are run by their owners and
moderators on the site. Every action goes through the services and is recorded in the
object's admin history.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from parvis.core.admin import count_message, immediate_action, reason_action

from . import services
from .models import (
    Ban,
    Group,
    Invitation,
    JoinRequest,
    Membership,
    Message,
    MessageRevision,
    Thread,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and details only: changes happen on the site, through the services."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + list(self.readonly_fields)


def _close(group, moderator, *, reason):
    services.group_close(group=group, moderator=moderator, reason=reason)
    return _("Group closed: %(reason)s") % {"reason": reason}


def _reopen(group, moderator):
    services.group_reopen(group=group, moderator=moderator)
    return _("Group reopened.")


def _delete(group, moderator, *, reason):
    services.group_delete(group=group, moderator=moderator, reason=reason)
    return _("Group deleted: %(reason)s") % {"reason": reason}


close_action = reason_action(
    name="close_groups",
    description=_("Close the selected groups (read-only, with a reason)"),
    title=_("Close groups"),
    intro=_(
        "A closed group stays readable, but nobody can post, join or change anything in it. "
        "Its members are told, with the reason."
    ),
    perform=_close,
    done_message=count_message(
        ngettext_lazy("%(count)d group closed.", "%(count)d groups closed.", "count")
    ),
)
reopen_action = immediate_action(
    name="reopen_groups",
    description=_("Reopen the selected groups"),
    perform=_reopen,
    done_message=count_message(
        ngettext_lazy("%(count)d group reopened.", "%(count)d groups reopened.", "count")
    ),
)
delete_action = reason_action(
    name="delete_groups",
    description=_("Delete the selected groups (with a reason)"),
    title=_("Delete groups"),
    intro=_(
        "A deleted group disappears from the site for everyone but the moderators; nothing is "
        "erased, so it can be reopened after an appeal. Its members are told, with the reason."
    ),
    perform=_delete,
    done_message=count_message(
        ngettext_lazy("%(count)d group deleted.", "%(count)d groups deleted.", "count")
    ),
)


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "theme",
        "territory",
        "visibility",
        "join_policy",
        "status",
        "member_count",
        "thread_count",
        "last_activity_at",
    )
    list_filter = ("status", "visibility", "join_policy", "theme", "territory__kind")
    search_fields = ("name", "slug", "description", "created_by__email", "created_by__last_name")
    list_select_related = ("territory",)
    date_hierarchy = "created_at"
    ordering = ("-last_activity_at",)
    actions = [close_action, reopen_action, delete_action]

    @admin.display(description=_("page on the site"))
    def site_link(self, group):
        from django.utils.html import format_html

        return format_html(
            '<a href="{}">{}</a>', group.get_absolute_url(), group.get_absolute_url()
        )

    readonly_fields = ("site_link",)


def _delete_thread(thread, moderator, *, reason):
    services.thread_delete(thread=thread, actor=moderator, reason=reason)
    return _("Discussion deleted: %(reason)s") % {"reason": reason}


def _restore_thread(thread, moderator):
    services.thread_restore(thread=thread, moderator=moderator)
    return _("Discussion restored.")


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ("title", "group", "author", "message_count", "pinned", "locked", "deleted_at")
    list_filter = ("pinned", "locked", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "group__name", "author__email", "author__last_name")
    list_select_related = ("group", "author")
    raw_id_fields = ("group", "author", "last_message")
    ordering = ("-last_activity_at",)
    actions = [
        reason_action(
            name="delete_threads",
            description=_("Delete the selected discussions (with a reason)"),
            title=_("Delete discussions"),
            intro=_("The discussions disappear from their group; their authors are told why."),
            perform=_delete_thread,
            done_message=count_message(
                ngettext_lazy(
                    "%(count)d discussion deleted.", "%(count)d discussions deleted.", "count"
                )
            ),
        ),
        immediate_action(
            name="restore_threads",
            description=_("Restore the selected deleted discussions"),
            perform=_restore_thread,
            done_message=count_message(
                ngettext_lazy(
                    "%(count)d discussion restored.", "%(count)d discussions restored.", "count"
                )
            ),
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group")


class RevisionInline(admin.TabularInline):
    model = MessageRevision
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("written_at", "replaced_at", "body")
    readonly_fields = fields


def _delete_message(message, moderator, *, reason):
    services.message_delete(message=message, actor=moderator, reason=reason)
    return _("Message deleted: %(reason)s") % {"reason": reason}


def _restore_message(message, moderator):
    services.message_restore(message=message, moderator=moderator)
    return _("Message restored.")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "author", "created_at", "edited_at", "deleted_at")
    list_filter = (
        ("deleted_at", admin.EmptyFieldListFilter),
        ("edited_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("body", "thread__title", "author__email", "author__last_name")
    list_select_related = ("thread", "author")
    raw_id_fields = ("thread", "author", "quoted")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = [RevisionInline]
    actions = [
        reason_action(
            name="delete_messages",
            description=_("Delete the selected messages (with a reason)"),
            title=_("Delete messages"),
            intro=_(
                "Each message is replaced by a “removed by a moderator” note; its author is "
                "told why. The text is kept here for an appeal."
            ),
            perform=_delete_message,
            done_message=count_message(
                ngettext_lazy("%(count)d message deleted.", "%(count)d messages deleted.", "count")
            ),
        ),
        immediate_action(
            name="restore_messages",
            description=_("Restore the selected messages removed by a moderator"),
            perform=_restore_message,
            done_message=count_message(
                ngettext_lazy(
                    "%(count)d message restored.", "%(count)d messages restored.", "count"
                )
            ),
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("thread__group", "author")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "group", "role", "state", "joined_at", "left_at")
    list_filter = ("role", "state")
    search_fields = ("user__email", "user__last_name", "group__name")
    list_select_related = ("user", "group")


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ("user", "group", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__email", "user__last_name", "group__name")
    list_select_related = ("user", "group", "decided_by")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("invitee", "group", "invited_by", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("invitee__email", "invitee__last_name", "group__name")
    list_select_related = ("invitee", "group", "invited_by")


@admin.register(Ban)
class BanAdmin(ReadOnlyAdmin):
    list_display = ("user", "group", "banned_by", "created_at", "reason")
    search_fields = ("user__email", "user__last_name", "group__name")
    list_select_related = ("user", "group", "banned_by")
