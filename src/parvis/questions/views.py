"""Pages of the questions to the elected officials: list, rules, ask, the question's page
(support, follow, answer, close), the member's questions and the unanswered ones by age."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parvis.accounts.models import User
from parvis.core.emails import absolute_url
from parvis.core.htmx import fragment, is_htmx, render_list, status_tabs
from parvis.core.pagecache import public_page
from parvis.core.pagination import Paginator
from parvis.moderation.selectors import hidden_from
from parvis.moderation.views import render_hidden
from parvis.organisations.models import Organisation, OrganisationKind
from parvis.territories.models import Territory, TerritoryKind

from . import services
from .forms import AnswerForm, AskForm
from .models import PUBLIC_STATUSES, QuestionStatus, Theme
from .selectors import (
    addressed_to,
    answer_stats,
    institutions_answered_by,
    is_question_moderator,
    may_answer,
    member_state,
    officials_delegating_to,
    question_for_page,
    question_is_visible_to,
    question_list,
    questions_visible_to,
    unanswered_by_age,
)

PAGE_SIZE = 20
UNANSWERED_PAGE_SIZE = 50
#: The list's status filter: its French value in the address, the status.
STATUS_FILTERS = {
    "publiees": QuestionStatus.PUBLISHED,
    "repondues": QuestionStatus.ANSWERED,
    "closes": QuestionStatus.CLOSED,
}


def _question_or_404(request, pk, slug, *, suffix=""):
    question = question_for_page(pk)
    if question is None or not question_is_visible_to(question, request.user):
        raise Http404
    if slug != question.slug:
        return question, HttpResponsePermanentRedirect(question.get_absolute_url() + suffix)
    return question, None


@public_page(
    "questions.question",
    params=("theme", "statut", "commune", "elu", "institution", "page"),
)
def question_index(request):
    """Published questions, newest first, filtered by theme, status, commune and addressee."""
    theme = request.GET.get("theme", "")
    if theme not in Theme.values:
        theme = ""
    state = request.GET.get("statut", "")
    if state not in STATUS_FILTERS:
        state = ""
    commune = official = institution = None
    code = request.GET.get("commune", "")[:12]
    if code:
        commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()
        if commune is None:
            messages.info(request, _("Unknown commune: all the questions are listed."))
    official_pk = request.GET.get("elu", "")[:12]
    if official_pk:
        official = User.objects.filter(pk=official_pk).first() if official_pk.isdigit() else None
        if official is None:
            messages.info(request, _("Unknown elected official: all the questions are listed."))
    slug = request.GET.get("institution", "")[:170]
    if slug:
        institution = Organisation.objects.filter(
            slug=slug, kind=OrganisationKind.INSTITUTION
        ).first()
        if institution is None:
            messages.info(request, _("Unknown institution: all the questions are listed."))
    questions = question_list(
        request.user,
        status=STATUS_FILTERS.get(state),
        theme=theme,
        commune=commune,
        official=official,
        institution=institution,
    )
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {
        key: value
        for key, value in (
            ("theme", theme),
            ("statut", state),
            ("commune", commune.code if commune else ""),
            ("elu", official.pk if official else ""),
            ("institution", institution.slug if institution else ""),
        )
        if value
    }
    stats = None
    if official is not None:
        stats = answer_stats(official=official)
    elif institution is not None:
        stats = answer_stats(institution=institution)
    count = page.paginator.count
    return render_list(
        request,
        "questions/list.html",
        "questions/_list_results.html",
        {
            "page": page,
            "themes": Theme.choices,
            "theme": theme,
            "state": state,
            "tabs": status_tabs(
                reverse("questions:index"),
                "statut",
                [
                    ("", _("All")),
                    ("publiees", _("Awaiting an answer")),
                    ("repondues", _("Answered")),
                    ("closes", _("Closed")),
                ],
                state,
                {key: value for key, value in kept.items() if key != "statut"},
                prefix="question-status",
            ),
            "commune": commune,
            "official": official,
            "institution": institution,
            "stats": stats,
        },
        page,
        found=ngettext("%(counter)s question", "%(counter)s questions", count) % {"counter": count},
        found_template="questions/_list_found.html",
    )


def question_rules(request):
    return render(request, "questions/rules.html")


@login_required
def question_ask(request):
    """Ask an elected official or an institution a public question (moderated first)."""
    user = request.user
    if user.commune_id is None:
        messages.info(
            request, _("Give your commune in your profile first: officials answer their residents.")
        )
        return redirect(reverse("accounts:profile_edit"))
    initial = {}
    if request.method == "GET":
        if request.GET.get("elu", "").isdigit():
            initial["addressee"] = f"official:{request.GET['elu']}"
        elif request.GET.get("institution"):
            found = Organisation.objects.filter(slug=request.GET["institution"][:170]).first()
            if found is not None:
                initial["addressee"] = f"institution:{found.pk}"
    form = AskForm(request.POST or None, member=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(
                author=user,
                theme=form.cleaned_data["theme"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                **form.addressee_kwargs(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Thank you: your question is sent to the moderators. You will be told by "
                    "e-mail when it is published."
                ),
            )
            return redirect(question)
    return render(request, "questions/ask.html", {"form": form})


@public_page(dynamic=True)
def question_detail(request, pk, slug):
    question, redirect_response = _question_or_404(request, pk, slug)
    if redirect_response:
        return redirect_response
    if hidden_from(question, request.user):
        return render_hidden(request, question)
    user = request.user
    can_answer = may_answer(user, question) and question.status in (
        QuestionStatus.PUBLISHED,
        QuestionStatus.ANSWERED,
    )
    stats = (
        answer_stats(official=question.official_id)
        if question.official_id
        else answer_stats(institution=question.institution_id)
        if question.institution_id
        else None
    )
    return render(
        request,
        "questions/detail.html",
        {
            "question": question,
            "statuses": QuestionStatus,
            "state": member_state(question, user),
            "can_answer": can_answer,
            "answer_form": AnswerForm(initial={"body": question.answer}) if can_answer else None,
            "can_close": question.status in (QuestionStatus.PUBLISHED, QuestionStatus.ANSWERED)
            and user.is_authenticated
            and (question.author_id == user.pk or is_question_moderator(user)),
            "is_author": user.is_authenticated and question.author_id == user.pk,
            "stats": stats,
            "share_url": absolute_url(question.get_absolute_url()),
            "login_url": reverse("account_login")
            + "?"
            + urlencode({"next": question.get_absolute_url()}),
        },
    )


def _member_action(request, pk, slug, action, done):
    question, _redirect = _question_or_404(request, pk, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(question.get_absolute_url())
    try:
        action(question=question, member=request.user)
    except (ValidationError, PermissionDenied) as error:
        text, level = " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
    else:
        text, level = done, messages.SUCCESS
    if is_htmx(request):  # the count and the buttons, swapped in place
        question.refresh_from_db(fields=["support_count"])
        context = {
            "question": question,
            "statuses": QuestionStatus,
            "state": member_state(question, request.user),
            "is_author": question.author_id == request.user.pk,
        }
        return fragment(request, "questions/_support.html", context, message=text)
    messages.add_message(request, level, text)
    return redirect(question)


@require_POST
def question_support(request, pk, slug):
    if request.POST.get("retirer"):
        return _member_action(
            request, pk, slug, services.question_unsupport, _("Your support is withdrawn.")
        )
    return _member_action(
        request,
        pk,
        slug,
        services.question_support,
        _("You support this question: you will be told of the answer."),
    )


@require_POST
def question_follow(request, pk, slug):
    if request.POST.get("retirer"):
        return _member_action(
            request, pk, slug, services.question_unfollow, _("You no longer follow this question.")
        )
    return _member_action(
        request,
        pk,
        slug,
        services.question_follow,
        _("You follow this question: you will be told of the answer."),
    )


@login_required
def question_answer(request, pk, slug):
    """The official's (or institution's) public answer, or its amendment."""
    question, _redirect = _question_or_404(request, pk, slug)
    if not may_answer(request.user, question):
        raise PermissionDenied
    form = AnswerForm(request.POST or None, initial={"body": question.answer})
    if request.method == "POST" and form.is_valid():
        amended = question.status == QuestionStatus.ANSWERED
        try:
            services.question_answer(
                question=question, by=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Your amended answer is published.")
                if amended
                else _("Your answer is published."),
            )
            return redirect(question)
    return render(request, "questions/answer.html", {"question": question, "form": form})


@require_POST
def question_close(request, pk, slug):
    question, _redirect = _question_or_404(request, pk, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(question.get_absolute_url())
    try:
        services.question_close(question=question, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The question is closed."))
    return redirect(question)


@login_required
def questions_mine(request):
    """The member's questions (all statuses) and, for officials and institutions' agents, the
    questions addressed to them."""
    user = request.user
    asked = questions_visible_to(user).filter(author=user).order_by("-created_at", "-pk")[:100]
    received = None
    if user.mandates.exists() or institutions_answered_by(user) or officials_delegating_to(user):
        received = (
            questions_visible_to(user)
            .filter(addressed_to(user), status__in=PUBLIC_STATUSES)
            .order_by("status", "published_at", "pk")[:100]
        )
    return render(
        request,
        "questions/mine.html",
        {"asked": list(asked), "received": list(received) if received is not None else None},
    )


@login_required
def questions_unanswered(request):
    """The council's list: published questions without an answer, oldest first (moderators
    and institutions' agents)."""
    user = request.user
    if not (is_question_moderator(user) or institutions_answered_by(user)):
        raise PermissionDenied
    page = Paginator(unanswered_by_age(), UNANSWERED_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for question in page.object_list:
        question.age_days = (now - question.published_at).days
    return render_list(
        request,
        "questions/unanswered.html",
        "questions/_unanswered_results.html",
        {"page": page},
        page,
    )
