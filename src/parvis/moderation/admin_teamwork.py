"""Teamwork in the admin: assign a case, internal notes, lift a sanction (``teamwork.py``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.core.admin import ReasonForm

from . import teamwork
from .models import ModerationCase, Sanction

PERMISSION = "change_moderationcase"


def moderators():
    """Active staff who may decide on cases (by group, by their own permissions, or as
    superusers), by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename=PERMISSION)
            | Q(user_permissions__codename=PERMISSION)
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=gettext_lazy("nobody"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = moderators()
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name()


class NoteForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Internal note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=gettext_lazy("For the other moderators only: never shown to members."),
    )


def case_teamwork_context(case, request):
    return {
        "assign_form": AssignForm(initial={"assignee": case.assigned_to_id}),
        "note_form": NoteForm(),
        "notes": list(case.notes.select_related("author").order_by("created_at")),
        "assign_url": reverse("admin:moderation_moderationcase_assign", args=[case.pk]),
        "note_url": reverse("admin:moderation_moderationcase_note", args=[case.pk]),
    }


def _case_or_404(object_id):
    return get_object_or_404(ModerationCase, pk=object_id if str(object_id).isdigit() else None)


def _errors(error):
    return "; ".join(getattr(error, "messages", None) or [str(error)])


def case_assign_view(modeladmin, request, object_id):
    case = _case_or_404(object_id)
    change_url = reverse("admin:moderation_moderationcase_change", args=[case.pk])
    if request.method != "POST" or not modeladmin.has_change_permission(request, case):
        raise PermissionDenied
    data = request.POST.copy()
    if "to_me" in data:
        data["assignee"] = str(request.user.pk)
    form = AssignForm(data)
    if not form.is_valid():
        modeladmin.message_user(request, _("Choose a moderator: nothing was changed."),
                                messages.ERROR)  # fmt: skip
        return redirect(change_url)
    assignee = form.cleaned_data["assignee"]
    try:
        teamwork.case_assign(case=case, moderator=request.user, assignee=assignee)
    except (ValidationError, PermissionDenied) as error:
        modeladmin.message_user(request, _errors(error), messages.ERROR)
    else:
        modeladmin.message_user(
            request,
            _("Assigned to %(name)s.") % {"name": assignee.get_full_name()}
            if assignee
            else _("The case is assigned to nobody."),
            messages.SUCCESS,
        )
    return redirect(change_url)


def case_note_view(modeladmin, request, object_id):
    case = _case_or_404(object_id)
    change_url = reverse("admin:moderation_moderationcase_change", args=[case.pk])
    if request.method != "POST" or not modeladmin.has_change_permission(request, case):
        raise PermissionDenied
    try:
        teamwork.case_note_add(case=case, moderator=request.user, body=request.POST.get("body"))
    except (ValidationError, PermissionDenied) as error:
        modeladmin.message_user(request, _errors(error) + " " + _("Nothing was changed."),
                                messages.ERROR)  # fmt: skip
    else:
        modeladmin.message_user(request, _("Note added for the moderators."), messages.SUCCESS)
    return redirect(change_url + "#notes")


def case_urls(modeladmin):
    site = modeladmin.admin_site
    return [
        path(
            "<path:object_id>/assigner/",
            site.admin_view(
                lambda request, object_id: case_assign_view(modeladmin, request, object_id)
            ),
            name="moderation_moderationcase_assign",
        ),  # fmt: skip
        path(
            "<path:object_id>/note/",
            site.admin_view(
                lambda request, object_id: case_note_view(modeladmin, request, object_id)
            ),
            name="moderation_moderationcase_note",
        ),  # fmt: skip
    ]


def sanction_lift_view(modeladmin, request, object_id):
    sanction = get_object_or_404(
        Sanction.objects.select_related("user", "decision", "decision__case"),
        pk=object_id if str(object_id).isdigit() else None,
    )
    if not request.user.has_perm("moderation.decide_case"):
        raise PermissionDenied
    change_url = reverse("admin:moderation_sanction_change", args=[sanction.pk])
    form = ReasonForm(request.POST or None)
    form.fields["reason"].help_text = _(
        "Sent to the member with the news that their account is open again. Recorded in the "
        "audit log."
    )
    if request.method == "POST" and form.is_valid():
        try:
            teamwork.sanction_lift(
                sanction=sanction, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(request, _errors(error), messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                _("Sanction lifted; %(name)s has been told why.")
                % {"name": sanction.user.get_full_name()},
                messages.SUCCESS,
            )
            return redirect(change_url)
    elif request.method == "POST":
        modeladmin.message_user(request, _("Give the reason: nothing was changed."),
                                messages.ERROR)  # fmt: skip
    opts = Sanction._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Lift the %(kind)s of %(name)s")
        % {"kind": sanction.get_kind_display(), "name": sanction.user.get_full_name()},
        "opts": opts,
        "app_label": opts.app_label,
        "sanction": sanction,
        "form": form,
        "change_url": change_url,
        "active": sanction.is_active(),
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "moderation/admin/sanction_lift.html", context)


def sanction_urls(modeladmin):
    return [
        path(
            "<path:object_id>/lever/",
            modeladmin.admin_site.admin_view(
                lambda request, object_id: sanction_lift_view(modeladmin, request, object_id)
            ),
            name="moderation_sanction_lift",
        )
    ]
