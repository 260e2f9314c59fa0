"""Consultations in the admin: moderators create and correct them (questions inline, options
on each question's page) and publish drafts. Comments on consultations are the comments
app's (removed with a reason from the moderation queue or the page).

Questions and options are locked (read-only) once someone has answered. Answers are never
listed here: the results page and the CSV export show them without identities.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from parvis.core.admin import count_message, immediate_action
from parvis.organisations.models import OrganisationKind

from . import services
from .activities import consultation_announce
from .models import Consultation, ConsultationStatus, Option, Question


def _publish(consultation, moderator):
    services.consultation_publish(consultation=consultation, actor=moderator)
    return _("Consultation published.")


publish_action = immediate_action(
    name="publish_consultations",
    description=_("Publish the selected drafts"),
    perform=_publish,
    done_message=count_message(
        ngettext_lazy(
            "%(count)d consultation published.", "%(count)d consultations published.", "count"
        )
    ),
)


def _has_responses(consultation):
    return consultation is not None and consultation.pk and consultation.responses.exists()


class ConsultationAdminForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = (
            "title",
            "slug",
            "organisation",
            "context",
            "audience",
            "opens_at",
            "closes_at",
            "results_visibility",
            "status",
            "conclusion",
        )

    def clean_organisation(self):
        organisation = self.cleaned_data.get("organisation")
        if organisation is not None and organisation.kind != OrganisationKind.INSTITUTION:
            raise ValidationError(_("Only an institution may run a consultation."))
        return organisation


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ("order", "kind", "text", "required")
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return not _has_responses(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _has_responses(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _has_responses(obj) and super().has_delete_permission(request, obj)


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    form = ConsultationAdminForm
    list_display = (
        "title",
        "organisation",
        "status",
        "opens_at",
        "closes_at",
        "response_count",
    )
    list_filter = ("status", "results_visibility")
    list_select_related = ("organisation",)
    search_fields = ("title", "organisation__name")
    raw_id_fields = ("organisation", "audience")
    date_hierarchy = "opens_at"
    ordering = ("-opens_at",)
    inlines = [QuestionInline]
    readonly_fields = (
        "response_count",
        "created_by",
        "created_at",
        "updated_at",
        "published_at",
        "conclusion_published_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "organisation", "context")}),
        (
            _("Audience and dates"),
            {"fields": ("audience", "opens_at", "closes_at", "results_visibility")},
        ),
        (_("Publication"), {"fields": ("status", "published_at", "response_count")}),
        (_("Conclusion"), {"fields": ("conclusion", "conclusion_published_at")}),
        (_("History"), {"fields": ("created_by", "created_at", "updated_at")}),
    )
    actions = [publish_action]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        now = timezone.now()
        if obj.status == ConsultationStatus.PUBLISHED and obj.published_at is None:
            obj.published_at = now
        if obj.conclusion.strip() and obj.conclusion_published_at is None:
            obj.conclusion_published_at = now
        super().save_model(request, obj, form, change)  # in the admin's transaction
        if {"status", "opens_at"} & set(form.changed_data) or not change:
            # Published here, or opening at another date: told when it opens.
            consultation_announce(consultation=obj)


class OptionInline(admin.TabularInline):
    model = Option
    extra = 2
    fields = ("order", "label")

    def _locked(self, obj):
        return obj is not None and _has_responses(obj.consultation)

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """A question and its options (reached from its consultation's page)."""

    list_display = ("text", "consultation", "kind", "order")
    list_select_related = ("consultation",)
    search_fields = ("text", "consultation__title")
    raw_id_fields = ("consultation",)
    inlines = [OptionInline]

    def has_module_permission(self, request):
        return False  # edited from the consultation's page

    def has_change_permission(self, request, obj=None):
        if obj is not None and _has_responses(obj.consultation):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _has_responses(obj.consultation):
            return False
        return super().has_delete_permission(request, obj)
