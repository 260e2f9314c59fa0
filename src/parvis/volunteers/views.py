"""Pages of the calls for volunteers: the open calls, a call (sign up, withdraw), opening a
call, the organisers' list of volunteers (message, CSV export, closing), the member's sign-ups
and skills."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parvis.core.htmx import render_list
from parvis.core.pagecache import RELATIVE_SECONDS, public_page
from parvis.core.pagination import Paginator
from parvis.core.spreadsheets import safe_cell
from parvis.moderation.selectors import hidden_from
from parvis.moderation.views import render_hidden
from parvis.territories.models import Territory, TerritoryKind

from . import services
from .forms import CallForm, MessageForm, SkillsForm
from .models import CallStatus, Skill, Slot
from .selectors import (
    call_for_page,
    call_is_visible_to,
    can_run,
    matching_skills,
    member_skills,
    my_signups,
    open_calls,
    runners_for,
    signups_of,
    volunteers_of,
)

PAGE_SIZE = 20


def _call_or_404(request, pk, slug, suffix=""):
    call = call_for_page(pk)
    if call is None or not call_is_visible_to(call, request.user):
        raise Http404
    if slug != call.slug:
        return call, HttpResponsePermanentRedirect(call.get_absolute_url() + suffix)
    return call, None


def _run_or_403(request, pk, slug):
    call, _redirect = _call_or_404(request, pk, slug)
    if not can_run(request.user, call):
        raise PermissionDenied
    return call


# The calls' slots as time passes (``now``): kept a minute at most.
@public_page(
    "volunteers.call",
    "volunteers.slot",
    params=("commune", "competence", "page"),
    timeout=RELATIVE_SECONDS,
)
def call_index(request):
    code = request.GET.get("commune", "")[:12]
    commune = skill = None
    if code:
        commune = Territory.objects.filter(
            kind__in=(TerritoryKind.COMMUNE, TerritoryKind.EPCI), code=code
        ).first()
        if commune is None:
            messages.info(request, _("Unknown commune: all the calls are listed."))
    skills = list(Skill.objects.all())
    slug = request.GET.get("competence", "")[:60]
    if slug:
        skill = next((s for s in skills if s.slug == slug), None)
    page = Paginator(open_calls(request.user, commune=commune, skill=skill), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "commune": commune, "skill": skill, "skills": skills}
    count = page.paginator.count
    return render_list(
        request,
        "volunteers/list.html",
        "volunteers/_list_results.html",
        context,
        page,
        found=ngettext("%(counter)s call", "%(counter)s calls", count) % {"counter": count},
        found_template="volunteers/_list_found.html",
    )


@public_page("volunteers.slot@call:{pk}", dynamic=True, timeout=RELATIVE_SECONDS)
def call_detail(request, pk, slug):
    call, redirect_response = _call_or_404(request, pk, slug)
    if redirect_response:
        return redirect_response
    if hidden_from(call, request.user):
        return render_hidden(request, call)
    user = request.user
    return render(
        request,
        "volunteers/detail.html",
        {
            "call": call,
            "slots": list(call.slots.all()),
            "mine": signups_of(user, call),
            "matching": matching_skills(user, call),
            "can_run": can_run(user, call),
            "is_open": call.status == CallStatus.OPEN,
            "now": timezone.now(),
        },
    )


@require_POST
def signup(request, pk, slug):
    call, _redirect = _call_or_404(request, pk, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(call.get_absolute_url())
    slot_pk = request.POST.get("slot", "")[:12]
    slot = Slot.objects.filter(call=call, pk=slot_pk).first() if slot_pk.isdigit() else None
    if slot is None:
        messages.error(request, _("Choose a role or time slot of this call."))
        return redirect(call)
    try:
        if request.POST.get("retirer"):
            services.signup_cancel(slot=slot, member=request.user)
            messages.success(request, _("You withdrew from “%(slot)s”.") % {"slot": slot.label})
        else:
            services.signup_create(slot=slot, member=request.user)
            messages.success(
                request,
                _(
                    "Thank you! You are signed up for “%(slot)s”. The organisers see your "
                    "name and e-mail address."
                )
                % {"slot": slot.label},
            )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect(call)


@login_required
def call_create(request):
    runners = runners_for(request.user)
    if not any(runner.exists() for runner in runners):
        return render(request, "volunteers/create_denied.html", status=403)
    initial = {"commune": request.user.commune} if request.user.commune_id else {}
    form = CallForm(request.POST or None, runners=runners, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_open(
                by=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                commune=form.cleaned_data["commune"],
                place=form.cleaned_data["place"],
                skills=list(form.cleaned_data["skills"]),
                slots=form.slots(),
                **form.runner_kwargs(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your call is open: share it!"))
            return redirect(call)
    return render(request, "volunteers/form.html", {"form": form})


@login_required
def call_volunteers(request, pk, slug):
    call = _run_or_403(request, pk, slug)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = services.volunteers_message(
                call=call, by=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Message sent to %(count)d volunteers.") % {"count": told})
            return redirect("volunteers:volunteers", pk=call.pk, slug=call.slug)
    return render(
        request,
        "volunteers/volunteers.html",
        {"call": call, "signups": list(volunteers_of(call)), "form": form},
    )


@login_required
def call_export(request, pk, slug):
    call = _run_or_403(request, pk, slug)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Role or time slot"), _("Starts at"), _("Name"), _("E-mail"), _("Signed up at")]
    )
    for signup in volunteers_of(call):
        writer.writerow(
            [
                safe_cell(signup.slot.label),
                timezone.localtime(signup.slot.starts_at).strftime("%Y-%m-%d %H:%M")
                if signup.slot.starts_at
                else "",
                safe_cell(signup.member.get_full_name()),
                safe_cell(signup.member.email),
                timezone.localtime(signup.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="benevoles-{call.pk}.csv"'
    return response


@require_POST
@login_required
def call_close(request, pk, slug):
    call = _run_or_403(request, pk, slug)
    services.call_close(call=call, by=request.user)
    messages.success(request, _("The call is closed: nobody can sign up any more."))
    return redirect(call)


@login_required
def my_signups_view(request):
    return render(request, "volunteers/mine.html", {"signups": list(my_signups(request.user))})


@login_required
def skills_edit(request):
    form = SkillsForm(request.POST or None, initial={"skills": list(member_skills(request.user))})
    if request.method == "POST" and form.is_valid():
        services.skills_set(member=request.user, skills=list(form.cleaned_data["skills"]))
        messages.success(request, _("Your skills are saved."))
        return redirect("volunteers:skills")
    return render(request, "volunteers/skills.html", {"form": form})
