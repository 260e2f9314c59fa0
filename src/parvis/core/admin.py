"""Shared pieces of the moderators' admin.

- ``reason_action``: an admin action that first asks for a reason on an intermediate page
  (CSRF-protected form listing the selected items), then calls a service for each item.
- ``verify_action``: an immediate action calling a service for each item.
- ``ConcretePermissionsMixin``: proxy admins ("verification requests") use the permissions of
  the model they stand for, so the moderators' group needs no extra permission.
- ``ArrondissementFilter``: a list filter on the arrondissement of a commune.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parvis.territories.models import Territory, TerritoryKind


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("Sent to the people concerned with the decision. Be precise and courteous."),
        error_messages={
            "required": _("Give the reason: it is sent with the decision. Nothing was changed.")
        },
    )


def _perform_each(modeladmin, request, queryset, perform, done_message, **kwargs):
    """Call ``perform(obj, request.user, **kwargs)`` for each object, log it, report counts."""
    done = 0
    for obj in queryset:
        try:
            log_message = perform(obj, request.user, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            detail = "; ".join(getattr(error, "messages", None) or [str(error)])
            modeladmin.message_user(request, f"{obj}: {detail}", messages.ERROR)
            continue
        modeladmin.log_change(request, obj, str(log_message))
        done += 1
    if done:
        modeladmin.message_user(
            request,
            done_message(done) if callable(done_message) else done_message,
            messages.SUCCESS,
        )


def immediate_action(*, name, description, perform, done_message, permissions=("change",)):
    """An admin action calling ``perform(obj, moderator)`` for each selected object.

    ``perform`` returns the text recorded in the admin's history for the object.
    """

    def action(modeladmin, request, queryset):
        _perform_each(modeladmin, request, queryset, perform, done_message)

    action.__name__ = name
    return admin.action(description=description, permissions=permissions)(action)


def reason_action(
    *,
    name,
    description,
    perform,
    done_message,
    title=None,
    intro=None,
    permissions=("change",),
    template="core/admin/reason_action.html",
):
    """An admin action that asks for a reason, then calls ``perform(obj, moderator, reason=...)``.

    The first call (from the change list) shows a page with the selected items and a required
    reason; submitting it posts the same action again with ``apply`` set. An empty reason shows
    the page again with an error and changes nothing.
    """

    def action(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                _perform_each(
                    modeladmin,
                    request,
                    queryset,
                    perform,
                    done_message,
                    reason=form.cleaned_data["reason"],
                )
                return None  # back to the change list, filters kept
            modeladmin.message_user(
                request, _("Give the reason: nothing was changed."), messages.ERROR
            )
        else:
            form = ReasonForm()
        opts = modeladmin.model._meta
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": title or description,
            "intro": intro,
            "opts": opts,
            "app_label": opts.app_label,
            "queryset": queryset,
            "form": form,
            "action_name": name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": modeladmin.media,
        }
        request.current_app = modeladmin.admin_site.name
        return TemplateResponse(request, template, context)

    action.__name__ = name
    return admin.action(description=description, permissions=permissions)(action)


def count_message(singular, plural=None):
    """``done_message`` helper.

    Pass ``ngettext_lazy("%(count)d item verified.", "%(count)d items verified.", "count")``
    so that makemessages extracts both forms (bare strings are never translated).
    """
    if plural is None:
        return lambda count: singular % {"count": count}
    return lambda count: ngettext(singular, plural, count) % {"count": count}


class ConcretePermissionsMixin:
    """For proxy models: check the permissions of the concrete model; never add or delete."""

    def _has_concrete_perm(self, request, action):
        opts = self.model._meta.concrete_model._meta
        codename = get_permission_codename(action, opts)
        return request.user.has_perm(f"{opts.app_label}.{codename}")

    def has_view_permission(self, request, obj=None):
        return self._has_concrete_perm(request, "view") or self._has_concrete_perm(
            request, "change"
        )

    def has_change_permission(self, request, obj=None):
        return self._has_concrete_perm(request, "change")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return self.has_view_permission(request)


class ArrondissementFilter(admin.SimpleListFilter):
    """Filter by the arrondissement of ``commune_field`` (a commune foreign key)."""

    title = _("arrondissement")
    parameter_name = "arrondissement"
    commune_field = "commune"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name)
            for pk, name in Territory.objects.filter(kind=TerritoryKind.ARRONDISSEMENT).values_list(
                "pk", "name"
            )
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(**{f"{self.commune_field}__arrondissement_id": int(value)})


def admin_link(obj, *, public=False):
    """``obj`` by name, linked to its admin page (or its public page with ``public`` or when
    it has no admin page); "—" for nothing. Never an id."""
    from django.urls import NoReverseMatch, reverse
    from django.utils.html import format_html

    if obj is None:
        return "—"
    url = ""
    if not public:
        opts = obj._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        except NoReverseMatch:
            url = ""
    if not url and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    label = obj.get_full_name() if hasattr(obj, "get_full_name") else str(obj)
    return format_html('<a href="{}">{}</a>', url, label or str(obj)) if url else label


def local_datetime(value):
    """A date and time in the site's time zone (Europe/Paris), in words of the reader's
    language: "mardi 8 décembre 2026 à 18:00"."""
    from django.utils import formats, timezone

    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


class LabelledFileInput(forms.ClearableFileInput):
    """Django's file input without its fieldset: an empty one then has a real ``<label>``
    (with the fieldset, its legend labels nothing and axe-core reports an unlabelled input)."""

    use_fieldset = False
