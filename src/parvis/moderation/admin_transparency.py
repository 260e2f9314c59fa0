"""The DSA transparency report in the admin: a period form, the printable page and its CSV
(``transparency.py`` computes the figures)."""

import csv
import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .transparency import Period, rows, transparency_figures


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a valid date, e.g. 01/01/2026.")},
    )
    end = forms.DateField(
        label=gettext_lazy("To (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a valid date, e.g. 31/12/2026.")},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must not be before its start."))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("end", _("Choose a period of three years at most."))
        return data


def _default_period():
    today = timezone.localdate()
    return dt.date(today.year, 1, 1), today


def transparency_view(modeladmin, request):
    if not request.user.has_perm("moderation.view_decision"):
        raise PermissionDenied
    start, end = _default_period()
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    figures = None
    if not request.GET or form.is_valid():
        if request.GET:
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        figures = transparency_figures(Period(start=start, end=end))
    if figures is not None and request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="rapport-transparence-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
        )
        response.write("\ufeff")  # Excel reads UTF-8 with the byte order mark
        writer = csv.writer(response, delimiter=";")
        writer.writerow([_("section"), _("indicator"), _("value")])
        writer.writerow([_("period"), _("from"), start.isoformat()])
        writer.writerow([_("period"), _("to (included)"), end.isoformat()])
        writer.writerows(rows(figures))
        return response
    sections = []
    if figures is not None:
        for section, indicator, value in rows(figures):
            if not sections or sections[-1]["title"] != section:
                sections.append({"title": section, "rows": []})
            sections[-1]["rows"].append((indicator, value))
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("DSA transparency report"),
        "opts": opts,
        "app_label": opts.app_label,
        "form": form,
        "start": start,
        "end": end,
        "sections": sections,
        "csv_query": f"start={start.isoformat()}&end={end.isoformat()}&format=csv",
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "moderation/admin/transparency.html", context)


def transparency_urls(modeladmin):
    return [
        path(
            "transparence/",
            modeladmin.admin_site.admin_view(
                lambda request: transparency_view(modeladmin, request)
            ),
            name="moderation_transparency",
        )
    ]
