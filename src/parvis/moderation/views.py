from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parvis.core.htmx import render_list
from parvis.core.pagination import Paginator

from . import registry, selectors, services
from .forms import AppealForm, ReportForm
from .models import RESTRICTIVE_ACTIONS, Report

PAGE_SIZE = 20


def render_hidden(request, obj, *, status=200):
    """The page shown instead of an item hidden by moderation (see ``selectors.hidden_from``).

    Detail views of reportable content call it::

        if hidden_from(event, request.user):
            return render_hidden(request, event)
    """
    entry = registry.get_for_model(obj)
    response = render(
        request,
        "moderation/hidden.html",
        {"object": obj, "kind": entry.label if entry else ""},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def report(request, key, pk):
    """The report form of any reportable item (``registry``); visitors are asked to log in."""
    entry = registry.get_for_key(key)
    obj = entry.get(pk) if entry else None
    if obj is None or not entry.is_visible_to(obj, request.user):
        raise Http404
    if selectors.hidden_from(obj, request.user):
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    back_url = entry.public_url(obj) or "/"
    context = {"object": obj, "kind": entry.label, "back_url": back_url, "title": entry.title(obj)}
    author = entry.author_of(obj)
    if author is not None and author.pk == request.user.pk:
        return render(request, "moderation/report_form.html", {**context, "own": True})
    already = Report.objects.filter(
        case__content_type=ContentType.objects.get_for_model(entry.model),
        case__object_id=obj.pk,
        reporter=request.user,
    ).exists()
    if already:
        return render(request, "moderation/report_form.html", {**context, "already": True})
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=request.user,
                obj=obj,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _(
                    "Thank you: your report was sent to the moderators. You will be told of "
                    "their decision."
                ),
            )
            return redirect(back_url)
    return render(request, "moderation/report_form.html", {**context, "form": form})


def _decision_for(request, pk):
    """The decision ``pk`` and the token that opened it, if ``request`` may read its
    statement: the member concerned (logged in, or through the e-mail's signed link) and
    staff. Anyone else gets a 404."""
    decision = selectors.decision_for_statement(pk)
    if decision is None:
        raise Http404
    token = request.GET.get("jeton") or request.POST.get("jeton") or ""
    user = request.user
    if token and services.statement_token_is_valid(decision, token):
        return decision, token
    if user.is_authenticated and (
        user.is_staff or (decision.author_id is not None and decision.author_id == user.pk)
    ):
        return decision, ""
    raise Http404


@never_cache
def statement(request, pk):
    """The statement of reasons of a decision: what, on what ground, the facts, and how to
    appeal."""
    decision, token = _decision_for(request, pk)
    appeal_days = settings.PARVIS_APPEAL_DAYS
    context = {
        "decision": decision,
        "case": decision.case,
        "token": token,
        "restrictive": decision.action in RESTRICTIVE_ACTIONS,
        "sanction": next(iter(decision.sanctions.all()), None),
        "appeal": getattr(decision, "appeal", None),
        "appealable": selectors.is_appealable(decision, days=appeal_days),
        "appeal_deadline": selectors.appeal_deadline(decision, appeal_days),
        "is_concerned": token
        or (request.user.is_authenticated and request.user.pk == decision.author_id),
        "entry": registry.get_for_model(decision.case.content_type.model_class()),
    }
    response = render(request, "moderation/statement.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def appeal(request, pk):
    """The member concerned contests a decision, once."""
    decision, token = _decision_for(request, pk)
    is_concerned = token or (
        request.user.is_authenticated and request.user.pk == decision.author_id
    )
    if not is_concerned:
        raise Http404
    statement_url = reverse("moderation:statement", kwargs={"pk": decision.pk}) + (
        f"?jeton={token}" if token else ""
    )
    if not selectors.is_appealable(decision, days=settings.PARVIS_APPEAL_DAYS):
        messages.info(
            request,
            _("This decision can no longer be appealed: see its statement of reasons.")
            if decision.action in RESTRICTIVE_ACTIONS
            else _("This decision does not restrict you: it cannot be appealed."),
        )
        return redirect(statement_url)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_create(
                decision=decision,
                appellant=decision.author,
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Your appeal has been sent. A moderator other than the one who decided "
                    "will review it; you will be told of the outcome."
                ),
            )
            return redirect(statement_url)
    return render(
        request,
        "moderation/appeal_form.html",
        {"decision": decision, "form": form, "token": token, "statement_url": statement_url},
    )


@login_required
def my_decisions(request):
    """The member's moderation page: decisions about their content, and their reports."""
    page = Paginator(selectors.decisions_concerning(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_list(
        request,
        "moderation/my_decisions.html",
        "moderation/_decision_results.html",
        {
            "page": page,
            "decisions": page.object_list,
            "reports": selectors.reports_by(request.user).order_by("-created_at")[:50],
        },
        page,
    )
