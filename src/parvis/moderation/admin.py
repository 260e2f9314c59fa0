"""The moderators' queue (reported items, one per item with its reports), appeals, decisions,
sanctions, and the audit log (read-only for everyone, superusers included).

The page of a reported item shows it as its public sees it, its reports, the decisions already
taken on it and its author's history, with the decision form: every decision needs a ground
and the facts, and goes through ``services.case_decide``, which records it in the audit log
and tells the author and the reporters.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from parvis.core.admin import admin_link, count_message, reason_action

from . import (
    admin_audit,  # noqa: F401  (the audit log)
    backoffice,
    registry,
    selectors,
    services,
)
from .admin_dashboard import install as install_dashboard
from .admin_teamwork import case_teamwork_context, case_urls, sanction_urls
from .admin_transparency import transparency_urls
from .audit import audit_record
from .forms import AppealDecisionForm, DecisionForm
from .models import (
    Appeal,
    AppealStatus,
    CaseStatus,
    Decision,
    DecisionAction,
    Ground,
    ModerationCase,
    Report,
    Sanction,
)


def _kind(content_type):
    model = content_type.model_class() if content_type else None
    entry = registry.get_for_model(model) if model else None
    if entry is not None:
        return entry.label
    return content_type.name if content_type else "—"


class CaseStatusFilter(admin.SimpleListFilter):
    """Awaiting review by default: the queue."""

    title = _("status")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [
            ("open", _("awaiting review")),
            ("closed", _("decided")),
            ("all", _("all")),
        ]

    def choices(self, changelist):
        value = self.value() or "open"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.filter(status=CaseStatus.OPEN)
        if value == "closed":
            return queryset.filter(status=CaseStatus.CLOSED)
        return queryset


class KindFilter(admin.SimpleListFilter):
    title = _("type")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return sorted(
            ((entry.key, entry.label) for entry in registry.entries()), key=lambda c: str(c[1])
        )

    def queryset(self, request, queryset):
        entry = registry.get_for_key(self.value() or "")
        if self.value() and entry is None:
            return queryset.none()
        if entry is None:
            return queryset
        return queryset.filter(
            content_type__app_label=entry.model._meta.app_label,
            content_type__model=entry.model._meta.model_name,
        )


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "attribue"

    def lookups(self, request, model_admin):
        return [("moi", _("me")), ("personne", _("nobody"))]

    def queryset(self, request, queryset):
        if self.value() == "moi":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "personne":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


def _dismiss(case, moderator, *, reason):
    services.case_decide(
        case=case, moderator=moderator, action=DecisionAction.DISMISS, ground=Ground.NO_BREACH,
        facts=reason,
    )  # fmt: skip
    return _("Reports dismissed: %(reason)s") % {"reason": reason}


@admin.register(ModerationCase)
class ModerationCaseAdmin(admin.ModelAdmin):
    list_display = (
        "item",
        "kind",
        "author",
        "report_count",
        "is_hidden",
        "hidden_automatically",
        "status",
        "assigned_to",
        "opened_at",
    )
    list_display_links = ("item",)
    list_filter = (
        CaseStatusFilter,
        AssignedFilter,
        KindFilter,
        "is_hidden",
        "hidden_automatically",
    )
    search_fields = ("object_repr", "author__first_name", "author__last_name", "author__email")
    ordering = ("-hidden_automatically", "opened_at")  # items hidden by the threshold first
    list_per_page = 50
    actions = [
        reason_action(
            name="dismiss_cases",
            description=_("Dismiss the reports of the selected items (no breach found)"),
            title=_("Dismiss reports"),
            intro=_(
                "Write the facts you checked: they are kept with the decision; the members "
                "who reported are told the reports were dismissed, and an item hidden by the "
                "reports' threshold is shown again (its author is told)."
            ),
            perform=_dismiss,
            done_message=count_message(
                ngettext_lazy(
                    "%(count)d item reviewed: reports dismissed.",
                    "%(count)d items reviewed: reports dismissed.",
                    "count",
                )
            ),
        )
    ]

    @admin.display(description=_("item"), ordering="object_repr")
    def item(self, case):
        return case.object_repr

    @admin.display(description=_("type"))
    def kind(self, case):
        return _kind(case.content_type)

    @admin.display(description=_("reports"), ordering="report_count")
    def report_count(self, case):
        return case.report_count

    def get_queryset(self, request):
        return selectors.cases_for_queue().select_related("assigned_to")

    def get_urls(self):
        return case_urls(self) + super().get_urls()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The item's page: the item as its public sees it, the reports, the history, and
        the decision form."""
        case = get_object_or_404(
            ModerationCase.objects.select_related("content_type", "author", "author__commune"),
            pk=object_id if str(object_id).isdigit() else None,
        )
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        can_decide = self.has_change_permission(request, case)
        form = DecisionForm(request.POST or None, initial={"ground": ""})
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            if form.is_valid():
                data = form.cleaned_data
                try:
                    decision = services.case_decide(
                        case=case,
                        moderator=request.user,
                        action=data["action"],
                        ground=data["ground"],
                        facts=data["facts"],
                        suspension_days=data["suspension_days"],
                        hide_content=data["hide_content"],
                    )
                except ValidationError as error:
                    form.add_service_errors(error)
                except PermissionDenied as error:
                    form.add_error(None, str(error))
                else:
                    self.log_change(
                        request, case, f"{decision.get_action_display()}: {decision.facts}"
                    )
                    self.message_user(
                        request,
                        _(
                            "Decision recorded: %(action)s. The author received the statement "
                            "of reasons; the reporters were told the outcome."
                        )
                        % {"action": decision.get_action_display()},
                        messages.SUCCESS,
                    )
                    return self._next_case(request, case)
            self.message_user(request, _("The decision is incomplete: nothing was changed."),
                              messages.ERROR)  # fmt: skip
        return self._case_page(request, case, form, can_decide)

    def _next_case(self, request, case):
        """After a decision, the queue's next item (the oldest waiting), else the queue."""
        following = backoffice.get("cases").next_item(exclude_pk=case.pk)
        if following is None:
            self.message_user(request, _("The queue is empty: well done."), messages.INFO)
            return redirect(reverse("admin:moderation_moderationcase_changelist"))
        self.message_user(request, _("Next in the queue: %(item)s") % {"item": following},
                          messages.INFO)  # fmt: skip
        return redirect(reverse("admin:moderation_moderationcase_change", args=[following.pk]))

    def _case_page(self, request, case, form, can_decide):
        entry = registry.get_for_model(case.content_type.model_class())
        obj = entry.get(case.object_id) if entry else None
        item_html = ""
        if obj is not None:
            item_html = render_to_string(
                entry.template,
                {"object": obj, "url": case.object_url, "title": case.object_repr},
                request=request,
            )
        decisions = list(selectors.case_decisions(case))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reported item: %(item)s") % {"item": case.object_repr},
            "opts": opts,
            "app_label": opts.app_label,
            "case": case,
            "kind": _kind(case.content_type),
            "item_html": item_html,
            "item_exists": obj is not None,
            "reports": list(selectors.case_reports(case)),
            "decisions": decisions,
            "history": selectors.author_history(case.author, exclude_case=case),
            "form": form,
            "can_decide": can_decide and case.author_id != request.user.pk,
            "own_content": case.author_id == request.user.pk,
            "can_lift": request.user.has_perm("moderation.decide_case"),
            **(case_teamwork_context(case, request) if can_decide else {}),
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "moderation/admin/case_change.html", context)


class AppealStatusFilter(CaseStatusFilter):
    """Awaiting a moderator by default."""

    def lookups(self, request, model_admin):
        return [
            ("open", _("awaiting a moderator")),
            ("closed", _("decided")),
            ("all", _("all")),
        ]

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.filter(status=AppealStatus.PENDING)
        if value == "closed":
            return queryset.exclude(status=AppealStatus.PENDING)
        return queryset


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("decision", "appellant", "status", "created_at", "first_moderator")
    list_filter = (AppealStatusFilter,)
    search_fields = ("appellant__last_name", "appellant__email", "decision__case__object_repr")
    ordering = ("created_at",)  # oldest first
    list_select_related = ("decision", "decision__case", "decision__moderator", "appellant")

    @admin.display(description=_("decided first by"))
    def first_moderator(self, appeal):
        return appeal.decision.moderator or "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        appeal = get_object_or_404(
            Appeal.objects.select_related(
                "appellant",
                "decided_by",
                "decision",
                "decision__moderator",
                "decision__case",
                "decision__case__content_type",
            ),
            pk=object_id if str(object_id).isdigit() else None,
        )
        if not self.has_view_permission(request, appeal):
            raise PermissionDenied
        decision = appeal.decision
        same_moderator = decision.moderator_id == request.user.pk
        can_decide = (
            self.has_change_permission(request, appeal)
            and appeal.status == AppealStatus.PENDING
            and not same_moderator
            and appeal.appellant_id != request.user.pk
        )
        form = AppealDecisionForm(request.POST or None)
        if request.method == "POST":
            if not self.has_change_permission(request, appeal):
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.appeal_decide(
                        appeal=appeal,
                        moderator=request.user,
                        outcome=form.cleaned_data["outcome"],
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    form.add_service_errors(error)
                except PermissionDenied as error:
                    form.add_error(None, str(error))
                else:
                    self.log_change(request, appeal, form.cleaned_data["outcome"])
                    self.message_user(
                        request,
                        _("Appeal decided; the member has been told."),
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:moderation_appeal_changelist"))
            self.message_user(request, _("The appeal was not decided: nothing was changed."),
                              messages.ERROR)  # fmt: skip
        case = decision.case
        entry = registry.get_for_model(case.content_type.model_class())
        obj = entry.get(case.object_id) if entry else None
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Appeal: %(item)s") % {"item": case.object_repr},
            "opts": opts,
            "app_label": opts.app_label,
            "appeal": appeal,
            "decision": decision,
            "case": case,
            "kind": _kind(case.content_type),
            "item_html": render_to_string(
                entry.template,
                {"object": obj, "url": case.object_url, "title": case.object_repr},
                request=request,
            )
            if obj is not None
            else "",
            "sanctions": list(decision.sanctions.all()),
            "form": form,
            "can_decide": can_decide,
            "same_moderator": same_moderator,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "moderation/admin/appeal_change.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record that nobody edits in the admin (it changes only through the services)."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "ground", "item", "author", "moderator", "statement")
    list_filter = ("action", "ground")
    search_fields = ("case__object_repr", "author__last_name", "author__email", "facts")
    list_select_related = ("case", "author", "moderator")
    date_hierarchy = "created_at"
    fields = (
        "case",
        "action",
        "ground",
        "facts",
        "hide_content",
        "suspension_days",
        "author",
        "moderator",
        "created_at",
    )

    def get_urls(self):
        return transparency_urls(self) + super().get_urls()

    @admin.display(description=_("item"))
    def item(self, decision):
        return decision.case.object_repr

    @admin.display(description=_("statement of reasons"))
    def statement(self, decision):
        return format_html(
            '<a href="{}">{}</a>', decision.get_absolute_url(), _("statement of reasons")
        )


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "starts_at", "ends_at", "lifted_at", "decision")
    list_filter = ("kind",)
    search_fields = ("user__last_name", "user__email")
    list_select_related = ("user", "decision", "decision__case", "lifted_by")
    fields = (
        "member",
        "kind",
        "decision",
        "starts_at",
        "ends_at",
        "lifted_at",
        "lifted_by",
        "lift_reason",
        "lift",
    )
    readonly_fields = fields

    def get_urls(self):
        return sanction_urls(self) + super().get_urls()

    @admin.display(description=_("member"), ordering="user__last_name")
    def member(self, sanction):
        return admin_link(sanction.user)

    @admin.display(description=_("lift"))
    def lift(self, sanction):
        if not sanction.is_active():
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:moderation_sanction_lift", args=[sanction.pk]),
            _("Lift the sanction (with the reasons)…"),
        )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "reason", "reporter", "outcome_sent_at")
    list_filter = ("reason",)
    search_fields = ("reporter__last_name", "reporter__email", "case__object_repr", "details")
    list_select_related = ("case", "reporter")
    date_hierarchy = "created_at"
    fields = ("case", "reporter", "reason", "details", "created_at", "outcome_sent_at")


# --- deleting several rows at once, audited ---------------------------------------------------


@admin.action(
    permissions=["delete"],
    description=django_delete_selected.short_description,
)
def delete_selected(modeladmin, request, queryset):
    """Django's "delete selected" action, audited: a deletion of one row is mirrored from the
    admin history (``signals.py``); several rows are logged in bulk there, so they are
    recorded here."""
    targets = []
    if request.POST.get("post") and queryset.count() > 1:
        targets = [(obj.pk, str(obj)) for obj in queryset]
    response = django_delete_selected(modeladmin, request, queryset)
    if targets and response is None:
        model = queryset.model
        remaining = set(
            model._default_manager.filter(pk__in=[pk for pk, _text in targets]).values_list(
                "pk", flat=True
            )
        )
        for pk, text in targets:
            if pk not in remaining:
                audit_record(
                    actor=request.user,
                    action="admin.delete",
                    target_type=ContentType.objects.get_for_model(model),
                    target_id=pk,
                    target_repr=text,
                )
    return response


admin.site.add_action(delete_selected, "delete_selected")


# --- the admin's home: the moderators' dashboard ----------------------------------------------

install_dashboard(admin.site)
