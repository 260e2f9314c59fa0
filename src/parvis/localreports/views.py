"""Pages of the local reports: list, report (two steps: where and what, then the report with
the similar open reports nearby), the report's page (support; triage for agents), the agents'
queue."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parvis.core.geo import map_context, map_point
from parvis.core.htmx import fragment, is_htmx, render_list, status_tabs
from parvis.core.pagecache import public_page
from parvis.core.pagination import Paginator
from parvis.moderation.selectors import hidden_from
from parvis.moderation.views import render_hidden
from parvis.territories.models import Territory, TerritoryKind

from . import services
from .forms import ReportForm, TriageForm, WhereForm
from .models import OPEN_STATUSES, ReportStatus
from .selectors import (
    active_categories,
    is_agent,
    may_triage,
    report_for_page,
    report_list,
    reports_to_triage,
    similar_open,
    supported_by,
)

PAGE_SIZE = 20
QUEUE_PAGE_SIZE = 50
STATUS_FILTERS = {
    "ouverts": "open",
    "recus": ReportStatus.RECEIVED,
    "en-cours": ReportStatus.IN_PROGRESS,
    "resolus": ReportStatus.RESOLVED,
    "rejetes": ReportStatus.REJECTED,
}


def _report_or_404(pk):
    report = report_for_page(pk)
    if report is None or report.deleted_at is not None:
        raise Http404
    return report


@public_page("localreports.report", params=("commune", "categorie", "statut", "page"))
def report_index(request):
    code = request.GET.get("commune", "")[:12]
    commune = category = None
    if code:
        commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()
        if commune is None:
            messages.info(request, _("Unknown commune: all the reports are listed."))
    slug = request.GET.get("categorie", "")[:80]
    categories = list(active_categories())
    if slug:
        category = next((c for c in categories if c.slug == slug), None)
    state = request.GET.get("statut", "")
    if state not in STATUS_FILTERS:
        state = ""
    wanted = STATUS_FILTERS.get(state)
    reports = report_list(
        request.user,
        commune=commune,
        category=category,
        status=None if wanted == "open" else wanted,
        open_only=wanted == "open",
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    map_points = [
        map_point(
            latitude=report.latitude,
            longitude=report.longitude,
            label=f"{report.category.name} — {report.commune.name}",
            url=report.get_absolute_url(),
            detail=str(report.get_status_display()).capitalize(),
        )
        for report in page.object_list
        if report.has_point
    ]
    kept = {
        key: value
        for key, value in (
            ("commune", commune.code if commune else ""),
            ("categorie", category.slug if category else ""),
        )
        if value
    }
    count = page.paginator.count
    return render_list(
        request,
        "localreports/list.html",
        "localreports/_list_results.html",
        {
            "page": page,
            "commune": commune,
            "category": category,
            "categories": categories,
            "state": state,
            "tabs": status_tabs(
                reverse("localreports:index"),
                "statut",
                [
                    ("", _("All")),
                    ("ouverts", _("Open")),
                    ("resolus", _("Resolved")),
                    ("rejetes", _("Rejected")),
                ],
                state,
                kept,
                prefix="report-status",
            ),
            **map_context(),
            "map_points": map_points if settings.PARVIS_MAP_TILES_URL else [],
        },
        page,
        found=ngettext("%(counter)s report", "%(counter)s reports", count) % {"counter": count},
        found_template="localreports/_list_found.html",
    )


@login_required
def report_create(request):
    """Step 1 (GET without a commune and category): where and what kind. Step 2 (GET with
    them, or POST): the similar open reports nearby, then the report itself."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and not (data.get("commune") and data.get("category")):
        initial = {"commune": user.commune} if user.commune_id else {}
        return render(request, "localreports/where.html", {"form": WhereForm(initial=initial)})
    where = WhereForm(data)
    if not where.is_valid():
        return render(request, "localreports/where.html", {"form": where})
    commune, category = where.cleaned_data["commune"], where.cleaned_data["category"]
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = services.report_create(
                    author=user,
                    commune=commune,
                    category=category,
                    description=form.cleaned_data["description"],
                    address=form.cleaned_data["address"],
                    latitude=form.cleaned_data["latitude"],
                    longitude=form.cleaned_data["longitude"],
                    photos=form.cleaned_data["photos"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your report is sent to %(handler)s. You will be told of "
                        "each step by e-mail."
                    )
                    % {
                        "handler": report.institution.name
                        if report.institution_id
                        else _("the moderators")
                    },
                )
                return redirect(report)
    else:
        form = ReportForm(initial={"commune": commune, "category": category})
    similar = similar_open(commune=commune, category=category, user=user)
    return render(
        request,
        "localreports/form.html",
        {
            "form": form,
            "commune": commune,
            "category": category,
            "similar": similar,
            **map_context(),
        },
    )


@public_page(dynamic=True)
def report_detail(request, pk):
    report = _report_or_404(pk)
    if hidden_from(report, request.user):
        return render_hidden(request, report)
    user = request.user
    triage = may_triage(user, report)
    return render(
        request,
        "localreports/detail.html",
        {
            "report": report,
            "updates": list(report.updates.select_related("author")),
            "supported": supported_by(report, user),
            "can_support": report.status in OPEN_STATUSES and report.author_id != user.pk,
            "is_author": user.is_authenticated and report.author_id == user.pk,
            "may_triage": triage,
            "triage_form": TriageForm(initial={"status": report.status}) if triage else None,
            "login_url": reverse("account_login")
            + "?"
            + urlencode({"next": report.get_absolute_url()}),
        },
    )


@require_POST
def report_support(request, pk):
    report = _report_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(report.get_absolute_url())
    try:
        if request.POST.get("retirer"):
            services.report_unsupport(report=report, member=request.user)
            text = _("Your support is withdrawn.")
        else:
            services.report_support(report=report, member=request.user)
            text = _("Thank you: you support this report and will be told of each step.")
        level = messages.SUCCESS
    except (ValidationError, PermissionDenied) as error:
        text, level = " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
    if is_htmx(request):  # the count and the button, swapped in place
        report.refresh_from_db(fields=["support_count"])
        context = {
            "report": report,
            "supported": supported_by(report, request.user),
            "is_author": report.author_id == request.user.pk,
        }
        return fragment(request, "localreports/_support.html", context, message=text)
    messages.add_message(request, level, text)
    return redirect(report)


@login_required
@require_POST
def report_triage(request, pk):
    report = _report_or_404(pk)
    if not may_triage(request.user, report):
        raise PermissionDenied
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            services.report_triage(
                report=report,
                agent=request.user,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Done: the reporter and the supporters are told."))
            return redirect(report)
    return render(
        request,
        "localreports/detail.html",
        {
            "report": report,
            "updates": list(report.updates.select_related("author")),
            "may_triage": True,
            "triage_form": form,
        },
        status=400,
    )


@login_required
def report_queue(request):
    """The reports the agent's institutions (or, for moderators, everyone) handle."""
    if not is_agent(request.user):
        raise PermissionDenied
    state = request.GET.get("statut", "ouverts")
    reports = reports_to_triage(request.user)
    if state == "ouverts":
        reports = reports.filter(status__in=OPEN_STATUSES).order_by("created_at", "pk")
    else:
        state = "tous"
        reports = reports.order_by("-created_at", "-pk")
    page = Paginator(reports, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "state": state}
    return render_list(
        request, "localreports/queue.html", "localreports/_queue_results.html", context, page
    )
