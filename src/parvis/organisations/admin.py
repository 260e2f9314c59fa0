"""Organisations and the "verification requests" in the moderators' admin.

The verification requests are two proxy models (organisations and mandates awaiting a
moderator) listed side by side; they use the permissions of the models they stand for.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from parvis.accounts.admin import MandateAdmin
from parvis.accounts.models import VerificationStatus
from parvis.core.admin import (
    ArrondissementFilter,
    ConcretePermissionsMixin,
    admin_link,
    count_message,
    immediate_action,
    local_datetime,
    reason_action,
)
from parvis.moderation.review import ReviewDecision, ReviewDecisionsMixin

from . import services
from .models import (
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    PendingMandate,
    PendingOrganisation,
)


def _verify(organisation, moderator):
    if organisation.status == VerificationStatus.VERIFIED:
        raise ValidationError(_("already verified, left unchanged."))
    services.organisation_verify(organisation=organisation, moderator=moderator)
    return _("Organisation verified.")


def _reject(organisation, moderator, *, reason):
    services.organisation_reject(organisation=organisation, moderator=moderator, reason=reason)
    return _("Organisation rejected: %(reason)s") % {"reason": reason}


def _changes_request(organisation, moderator, *, reason):
    services.organisation_changes_request(
        organisation=organisation, moderator=moderator, reason=reason
    )
    return _("Changes requested on the organisation: %(reason)s") % {"reason": reason}


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


ORGANISATION_DECISIONS = (
    ReviewDecision(
        "approve",
        _("Approve"),
        perform=_verify,
        done=_("Organisation verified; its managers have been told."),
    ),
    ReviewDecision(
        "refuse",
        _("Refuse"),
        perform=_reject,
        needs_reason=True,
        style="refuse",
        intro=_(
            "The reason is e-mailed to the managers of the organisation; the page stays "
            "hidden from the public."
        ),
        done=_("Organisation refused; its managers have been told why."),
    ),
    ReviewDecision(
        "changes",
        _("Request changes"),
        perform=_changes_request,
        needs_reason=True,
        style="changes",
        intro=_(
            "Say what the team should change: it is e-mailed to the managers and shown on the "
            "organisation's page, which stays hidden from the public. Their next edit sends it "
            "back to this queue."
        ),
        done=_("Organisation sent back to its managers with what to change."),
    ),
)


@admin.register(Organisation)
class OrganisationAdmin(ReviewDecisionsMixin, admin.ModelAdmin):
    review_queue = "organisations"
    review_decisions = ORGANISATION_DECISIONS
    list_display = ("name", "kind", "commune", "rna", "siren", "status", "created_at")
    list_filter = ("kind", "status", ArrondissementFilter)
    search_fields = ("name", "rna", "siren", "commune__name")
    list_select_related = ("commune",)
    raw_id_fields = ("commune",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = [MembershipInline]
    readonly_fields = (
        "place",
        "cover",  # uploaded by the organisation's team, through the cleaning service
        "status",
        "rejection_reason",
        "reviewer",
        "reviewed_when",
        "creator",
        "created_when",
    )
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "place", "commune", "rna", "siren")}),
        (_("Page"), {"fields": ("description", "logo", "cover", "cover_alt")}),
        (
            _("Public contact details"),
            {"fields": ("website", "email", "phone", "address", "opening_hours")},
        ),
        (
            _("Verification"),
            {
                "fields": (
                    "status",
                    "rejection_reason",
                    "reviewer",
                    "reviewed_when",
                    "creator",
                    "created_when",
                )
            },
        ),
    )
    actions = [
        immediate_action(
            name="verify_organisations",
            description=_("Verify the selected organisations"),
            perform=_verify,
            done_message=count_message(
                ngettext_lazy(
                    "%(count)d organisation verified; its managers have been told.",
                    "%(count)d organisations verified; their managers have been told.",
                    "count",
                )
            ),
        ),
        reason_action(
            name="reject_organisations",
            description=_("Reject the selected organisations (with a reason)"),
            title=_("Reject organisations"),
            intro=_(
                "The reason is e-mailed to the managers of each organisation; the page stays "
                "hidden from the public."
            ),
            perform=_reject,
            done_message=count_message(
                ngettext_lazy(
                    "%(count)d organisation rejected; its managers have been told why.",
                    "%(count)d organisations rejected; their managers have been told why.",
                    "count",
                )
            ),
        ),
    ]

    @admin.display(description=_("where"))
    def place(self, organisation):
        return admin_link(organisation.commune, public=True)

    @admin.display(description=_("reviewed by"))
    def reviewer(self, organisation):
        return admin_link(organisation.reviewed_by)

    @admin.display(description=_("reviewed at"))
    def reviewed_when(self, organisation):
        return local_datetime(organisation.reviewed_at)

    @admin.display(description=_("created by"))
    def creator(self, organisation):
        return admin_link(organisation.created_by)

    @admin.display(description=_("created at"))
    def created_when(self, organisation):
        return local_datetime(organisation.created_at)

    def review_is_waiting(self, organisation):
        return organisation.status == VerificationStatus.PENDING


@admin.register(PendingOrganisation)
class PendingOrganisationAdmin(ConcretePermissionsMixin, OrganisationAdmin):
    date_hierarchy = None
    ordering = ("created_at",)  # oldest request first
    list_filter = ("kind", ArrondissementFilter)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=VerificationStatus.PENDING)


@admin.register(PendingMandate)
class PendingMandateAdmin(ConcretePermissionsMixin, MandateAdmin):
    date_hierarchy = None
    ordering = ("created_at",)
    list_filter = ("role", "territory__kind")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=VerificationStatus.PENDING)


@admin.register(OrganisationInvitation)
class OrganisationInvitationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "invitee", "role", "status", "created_at", "responded_at")
    list_filter = ("status", "role")
    search_fields = ("organisation__name", "invitee__email", "invitee__last_name")
    list_select_related = ("organisation", "invitee")
    raw_id_fields = ("organisation", "invitee", "invited_by")
