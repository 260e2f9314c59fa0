"""Members, mandates and API tokens in the moderators' admin.

Moderators (the "Modérateurs" group) may view and change members and mandates; they cannot
grant staff rights, change a password or edit a staff account: only superusers can.
Mandates change status only through the "verify" and "reject with a reason" actions, which
call the services that e-mail the member.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from parvis.core.admin import (
    ArrondissementFilter,
    admin_link,
    count_message,
    immediate_action,
    local_datetime,
    reason_action,
)
from parvis.moderation.review import ReviewDecision, ReviewDecisionsMixin

from .models import ApiToken, Mandate, User, VerificationStatus


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}


class MandateInline(admin.TabularInline):
    model = Mandate
    fk_name = "user"
    extra = 0
    fields = ("role", "territory", "status", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Identity and profile"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "kind",
                    "commune",
                    "photo",
                    "bio",
                    "website",
                    "links",
                    "directory_visibility",
                    "terms_accepted_at",
                    "identity_verified_at",
                )
            },
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("full_name", "email", "commune", "kind", "is_active", "date_joined")
    list_filter = (
        "kind",
        "directory_visibility",
        "is_staff",
        "is_active",
        ArrondissementFilter,
    )
    search_fields = ("first_name", "last_name", "email")
    ordering = ("last_name", "first_name", "pk")
    list_select_related = ("commune",)
    raw_id_fields = ("commune",)
    inlines = [MandateInline]
    # Fields only a superuser may change: rights, and what would let a moderator take over
    # an account.
    SUPERUSER_ONLY_FIELDS = (
        "email",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
        "terms_accepted_at",
    )

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name() or "—"

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "identity_verified_at"]
        if not request.user.is_superuser:
            readonly += self.SUPERUSER_ONLY_FIELDS
        return readonly

    def has_change_permission(self, request, obj=None):
        # A moderator must not edit a staff account (its e-mail leads to its password).
        if obj is not None and obj.is_staff and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


def _mandate_verify(mandate, moderator):
    from .services import mandate_verify

    if mandate.status == VerificationStatus.VERIFIED:
        raise ValidationError(_("already verified, left unchanged."))

    mandate_verify(mandate=mandate, moderator=moderator)
    return _("Mandate verified.")


def _mandate_changes_request(mandate, moderator, *, reason):
    from .services import mandate_changes_request

    mandate_changes_request(mandate=mandate, moderator=moderator, reason=reason)
    return _("Changes requested on the mandate: %(reason)s") % {"reason": reason}


def _mandate_reject(mandate, moderator, *, reason):
    from .services import mandate_reject

    mandate_reject(mandate=mandate, moderator=moderator, reason=reason)
    return _("Mandate rejected: %(reason)s") % {"reason": reason}


MANDATE_DECISIONS = (
    ReviewDecision(
        "approve",
        _("Verify the mandate"),
        perform=_mandate_verify,
        done=_("Mandate verified; the member has been told."),
    ),
    ReviewDecision(
        "refuse",
        _("Refuse"),
        perform=_mandate_reject,
        needs_reason=True,
        style="refuse",
        intro=_(
            "The reason is e-mailed to the member and shown to them; the mandate is not "
            "shown on their profile. They may declare it again with the right details."
        ),
        done=_("Mandate refused; the member has been told why."),
    ),
    ReviewDecision(
        "changes",
        _("Request changes"),
        perform=_mandate_changes_request,
        needs_reason=True,
        style="changes",
        intro=_(
            "Say what the member should change (for example their name as on the official "
            "list, or a document to send): it is e-mailed to them and shown with the mandate. "
            "They submit it again once done, and it comes back to this queue."
        ),
        done=_("Mandate sent back to the member with what to change."),
    ),
)


@admin.register(Mandate)
class MandateAdmin(ReviewDecisionsMixin, admin.ModelAdmin):
    review_queue = "mandates"
    review_decisions = MANDATE_DECISIONS
    list_display = ("user", "role", "territory", "status", "created_at")
    list_filter = ("status", "role", "territory__kind")
    search_fields = ("user__first_name", "user__last_name", "user__email", "territory__name")
    list_select_related = ("user", "territory")
    raw_id_fields = ("user", "territory")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    # The status changes only through the decisions, which e-mail the member.
    readonly_fields = (
        "member",
        "territory_link",
        "status",
        "rejection_reason",
        "reviewer",
        "reviewed_when",
        "declared_when",
    )
    fields = (
        "member",
        "role",
        "territory_link",
        "status",
        "rejection_reason",
        "reviewer",
        "reviewed_when",
        "declared_when",
    )

    @admin.display(description=_("member"))
    def member(self, mandate):
        return admin_link(mandate.user)

    @admin.display(description=_("territory"))
    def territory_link(self, mandate):
        return admin_link(mandate.territory, public=True)

    @admin.display(description=_("reviewed by"))
    def reviewer(self, mandate):
        return admin_link(mandate.reviewed_by)

    @admin.display(description=_("reviewed at"))
    def reviewed_when(self, mandate):
        return local_datetime(mandate.reviewed_at)

    @admin.display(description=_("declared at"))
    def declared_when(self, mandate):
        return local_datetime(mandate.created_at)

    def review_is_waiting(self, mandate):
        return mandate.status == VerificationStatus.PENDING

    actions = [
        immediate_action(
            name="verify_mandates",
            description=_("Verify the selected mandates"),
            perform=_mandate_verify,
            done_message=count_message(
                ngettext_lazy(
                    "%(count)d mandate verified; the member has been told.",
                    "%(count)d mandates verified; the members have been told.",
                    "count",
                )
            ),
        ),
        reason_action(
            name="reject_mandates",
            description=_("Reject the selected mandates (with a reason)"),
            title=_("Reject mandates"),
            intro=_(
                "The reason is e-mailed to each member and shown to them; the mandate is "
                "not shown on their profile."
            ),
            perform=_mandate_reject,
            done_message=count_message(
                ngettext_lazy(
                    "%(count)d mandate rejected; the member has been told why.",
                    "%(count)d mandates rejected; the members have been told why.",
                    "count",
                )
            ),
        ),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: the key itself is never stored, only its hash, which is not shown either."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    search_fields = ("name", "prefix", "user__email", "user__last_name")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at")
    readonly_fields = fields
    ordering = ("-created_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
