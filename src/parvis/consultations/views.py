"""Pages of consultations: list, page and answer form, results, CSV export, creation and
editing, conclusion (the discussion is the comments app's: ``{% comments_section %}``)."""

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parvis.core.htmx import render_list, status_tabs
from parvis.core.pagecache import public_page
from parvis.core.pagination import Paginator
from parvis.core.richtext import render_markdown
from parvis.moderation.selectors import hidden_from
from parvis.moderation.views import render_hidden
from parvis.organisations.models import Organisation, OrganisationKind
from parvis.territories.models import Territory, TerritoryKind

from . import services
from .export import export_csv_lines
from .forms import (
    AnswerForm,
    ConclusionForm,
    ConsultationForm,
    formset_with_one_more,
    question_formset,
)
from .models import ConsultationStatus, Phase
from .results import MIN_GROUP_SIZE, compute_results
from .rules import results_public
from .selectors import (
    PHASE_FILTERS,
    REFUSAL_CODES,
    answer_refusal,
    answers_by_question,
    audience_of,
    consultation_for_page,
    consultation_is_visible_to,
    consultation_list,
    consultations_managed_by,
    response_of,
)

PAGE_SIZE = 20


def _when(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _consultation_or_404(request, pk, slug, *, suffix=""):
    """The consultation ``pk`` if ``request.user`` may see it (else 404), and a redirect when
    the slug in the address is not its own (``None`` otherwise)."""
    consultation = consultation_for_page(pk)
    if consultation is None or not consultation_is_visible_to(consultation, request.user):
        raise Http404
    if slug != consultation.slug:
        return consultation, HttpResponsePermanentRedirect(consultation.get_absolute_url() + suffix)
    return consultation, None


def _managed_or_403(request, pk, slug):
    """The consultation, for its institution's agents and the moderators: 404 when the member
    may not see it, 403 when they may see it but not manage it."""
    consultation, _redirect = _consultation_or_404(request, pk, slug)
    if not rules.has_perm("consultations.manage_consultation", request.user, consultation):
        raise PermissionDenied
    return consultation


# --- list ---------------------------------------------------------------------------------------


@public_page("consultations.consultation", params=("etat", "commune", "institution", "page"))
def consultation_index(request):
    """Published consultations: open ones first (for a member, their territory's first)."""
    state = request.GET.get("etat", "")
    phase = PHASE_FILTERS.get(state)
    if phase is None:
        state = ""
    commune = institution = None
    code = request.GET.get("commune", "")[:12]
    if code:
        commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()
        if commune is None:
            messages.info(request, _("Unknown commune: all the consultations are listed."))
    slug = request.GET.get("institution", "")[:170]
    if slug:
        institution = Organisation.objects.filter(
            slug=slug, kind=OrganisationKind.INSTITUTION
        ).first()
        if institution is None:
            messages.info(request, _("Unknown institution: all the consultations are listed."))
    consultations = consultation_list(
        request.user, phase=phase, commune=commune, institution=institution
    )
    page = Paginator(consultations, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {
        key: value
        for key, value in (
            ("commune", commune.code if commune else ""),
            ("institution", institution.slug if institution else ""),
        )
        if value
    }
    tabs = [
        ("", _("All")),
        ("ouvertes", _("Open")),
        ("a-venir", _("Coming soon")),
        ("terminees", _("Closed")),
    ]
    count = page.paginator.count
    return render_list(
        request,
        "consultations/list.html",
        "consultations/_list_results.html",
        {
            "page": page,
            "state": state,
            "tabs": status_tabs(
                reverse("consultations:index"),
                "etat",
                tabs,
                state,
                kept,
                prefix="consultation-state",
            ),
            "can_create": rules.has_perm("consultations.create_consultation", request.user),
            "commune": commune,
            "institution": institution,
        },
        page,
        found=ngettext("%(counter)s consultation", "%(counter)s consultations", count)
        % {"counter": count},
        found_template="consultations/_list_found.html",
    )


@login_required
def consultations_managed(request):
    """The consultations of the member's institutions (drafts included); all for moderators."""
    if not rules.has_perm("consultations.create_consultation", request.user):
        return render(request, "consultations/create_denied.html", status=403)
    page = Paginator(consultations_managed_by(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_list(
        request,
        "consultations/managed.html",
        "consultations/_managed_results.html",
        {"page": page},
        page,
    )


# --- the consultation's page and the answer form --------------------------------------------------


def _detail_context(request, consultation, *, form=None):
    user = request.user
    now = timezone.now()
    refusal = answer_refusal(consultation, user, now=now)
    response = response_of(consultation, user)
    questions = list(consultation.questions.all())
    if form is None and refusal is None:
        form = AnswerForm(
            questions=questions,
            initial=AnswerForm.initial_from(answers_by_question(response)),
        )
    can_manage = rules.has_perm("consultations.manage_consultation", user, consultation)
    login_url = reverse("account_login") + "?" + urlencode({"next": request.get_full_path()})
    return {
        "consultation": consultation,
        "phase": consultation.phase(now),
        "phases": Phase,
        "audience": audience_of(consultation),
        "questions": questions,
        "context_html": render_markdown(consultation.context),
        "conclusion_html": render_markdown(consultation.conclusion)
        if consultation.has_conclusion
        else "",
        "refusal": refusal,
        "form": form,
        "response": response,
        "can_manage": can_manage,
        "can_edit_questions": can_manage
        and rules.has_perm("consultations.edit_questions", user, consultation),
        "results_public": results_public(consultation, now),
        "login_url": login_url,
        "absolute_url": request.build_absolute_uri(consultation.get_absolute_url()),
    }


@public_page(
    "consultations.response@consultation:{pk}",
    # The discussion ({% comments_section %}) declares its own tags: comments on this
    # consultation and reactions shown on its page.
    params=("commentaires",),
)
def consultation_detail(request, pk, slug):
    consultation, redirect_response = _consultation_or_404(request, pk, slug)
    if redirect_response:
        return redirect_response
    if hidden_from(consultation, request.user):  # hidden by moderation: a notice instead
        return render_hidden(request, consultation)
    return render(request, "consultations/detail.html", _detail_context(request, consultation))


@require_POST
def consultation_answer(request, pk, slug):
    """Record (or change) the member's answers; a refusal or an invalid answer changes
    nothing and says why."""
    consultation, _redirect = _consultation_or_404(request, pk, slug)
    if hidden_from(consultation, request.user):
        return render_hidden(request, consultation)
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(consultation.get_absolute_url())
    refusal = answer_refusal(consultation, user)
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect(consultation)
    form = AnswerForm(request.POST, questions=consultation.questions.all())
    if form.is_valid():
        try:
            response = services.response_submit(
                consultation=consultation, member=user, answers=form.answers()
            )
        except ValidationError as error:
            if getattr(error, "code", None) in REFUSAL_CODES:
                messages.error(request, " ".join(error.messages))
                return redirect(consultation)
            form.add_service_errors(error)
        else:
            closes = _when(consultation.closes_at)
            if response.created:
                messages.success(
                    request,
                    _("Thank you: your answer is recorded. You may change it until %(date)s.")
                    % {"date": closes},
                )
            else:
                messages.success(
                    request,
                    _("Your answer is changed. You may change it again until %(date)s.")
                    % {"date": closes},
                )
            return redirect(consultation)
    context = _detail_context(request, consultation, form=form)
    return render(request, "consultations/detail.html", context)


# --- results and export -----------------------------------------------------------------------


@public_page("consultations.response@consultation:{pk}", "consultations.answer")
def consultation_results(request, pk, slug):
    consultation, redirect_response = _consultation_or_404(request, pk, slug, suffix="resultats/")
    if redirect_response:
        return redirect_response
    if hidden_from(consultation, request.user):
        return render_hidden(request, consultation)
    user = request.user
    can_manage = rules.has_perm("consultations.manage_consultation", user, consultation)
    visible = can_manage or results_public(consultation)
    context = {
        "consultation": consultation,
        "visible": visible,
        "can_manage": can_manage,
        "phase": consultation.phase(),
        "phases": Phase,
        "min_group_size": MIN_GROUP_SIZE,
        "conclusion_html": render_markdown(consultation.conclusion)
        if consultation.has_conclusion
        else "",
    }
    if visible:
        context["results"] = compute_results(consultation, with_texts=can_manage)
        context["early"] = not results_public(consultation)
    return render(request, "consultations/results.html", context)


def consultation_export(request, pk, slug):
    """The answers as CSV, without identities: for the institution's agents and moderators."""
    consultation, _redirect = _consultation_or_404(request, pk, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not rules.has_perm("consultations.manage_consultation", request.user, consultation):
        raise PermissionDenied
    response = StreamingHttpResponse(
        export_csv_lines(consultation), content_type="text/csv; charset=utf-8"
    )
    filename = f"consultation-{consultation.pk}-{consultation.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- creating, editing, publishing, concluding --------------------------------------------------


def _save_message(request, consultation):
    if consultation.status == ConsultationStatus.PUBLISHED:
        messages.success(
            request,
            _("The consultation is published: residents of its territory may answer from %(date)s.")
            % {"date": _when(consultation.opens_at)},
        )
    else:
        messages.info(
            request,
            _(
                "Draft saved. Only your institution's agents and the moderators see it until "
                "it is published."
            ),
        )


def _form_page(request, *, form, formset, consultation, hide_errors=False, status=200):
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "formset": formset,
            "consultation": consultation,
            "hide_errors": hide_errors,
            "responses": consultation.response_count if consultation else 0,
        },
        status=status,
    )


@login_required
def consultation_create(request):
    if not rules.has_perm("consultations.create_consultation", request.user):
        return render(request, "consultations/create_denied.html", status=403)
    data = request.POST if request.method == "POST" else None
    form = ConsultationForm(data, user=request.user)
    if data is not None and "add_question" in data:
        formset = question_formset(formset_with_one_more(data))
        return _form_page(request, form=form, formset=formset, consultation=None, hide_errors=True)
    formset = question_formset(data)
    if data is not None:
        form_valid, formset_valid = form.is_valid(), formset.is_valid()
        if form_valid and formset_valid:
            service_data = {**form.service_data(), "questions": formset.questions()}
            try:
                consultation = services.consultation_create(
                    author=request.user, data=service_data, publish="publish" in data
                )
            except ValidationError as error:
                form.add_service_errors(error)
            except PermissionDenied as error:
                form.add_error("organisation", str(error))
            else:
                _save_message(request, consultation)
                return redirect(consultation)
    return _form_page(request, form=form, formset=formset, consultation=None)


@login_required
def consultation_edit(request, pk, slug):
    consultation = _managed_or_403(request, pk, slug)
    locked = consultation.responses.exists()
    data = request.POST if request.method == "POST" else None
    form = ConsultationForm(data, user=request.user, consultation=consultation)
    if data is not None and "add_question" in data and not locked:
        formset = question_formset(formset_with_one_more(data), consultation=consultation)
        return _form_page(
            request, form=form, formset=formset, consultation=consultation, hide_errors=True
        )
    formset = None if locked else question_formset(data, consultation=consultation)
    if data is not None:
        form_valid = form.is_valid()
        formset_valid = formset is None or formset.is_valid()
        if form_valid and formset_valid:
            service_data = form.service_data()
            if formset is not None:
                service_data["questions"] = formset.questions()
            try:
                with transaction.atomic():
                    consultation = services.consultation_update(
                        consultation=consultation, editor=request.user, data=service_data
                    )
                    if "publish" in data and consultation.status == ConsultationStatus.DRAFT:
                        services.consultation_publish(consultation=consultation, actor=request.user)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                _save_message(request, consultation)
                return redirect(consultation)
    return _form_page(request, form=form, formset=formset, consultation=consultation)


@login_required
@require_POST
def consultation_publish(request, pk, slug):
    consultation = _managed_or_403(request, pk, slug)
    try:
        services.consultation_publish(consultation=consultation, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        _save_message(request, consultation)
    return redirect(consultation)


@login_required
def consultation_conclude(request, pk, slug):
    consultation = _managed_or_403(request, pk, slug)
    form = ConclusionForm(request.POST or None, initial={"conclusion": consultation.conclusion})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_conclude(
                consultation=consultation,
                actor=request.user,
                conclusion=form.cleaned_data["conclusion"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The conclusion is published with the results."))
            return redirect(consultation)
    return render(
        request,
        "consultations/conclusion_form.html",
        {"consultation": consultation, "form": form, "closed": consultation.is_closed},
    )
