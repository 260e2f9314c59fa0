"""The organiser's workflow: propose, edit, submit and cancel an event, and "my events".

The pages that find and show events are in ``views.py``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.core.geo import map_context
from parvis.core.pagination import Paginator

from . import services as workflow
from .forms import CancelForm, EventForm
from .models import Event, EventStatus, Rsvp
from .selectors import event_is_visible_to, events_organised_by

#: Events listed per page of "my events".
PAGE_SIZE = 20


def _event_for_organiser(request, pk, permission):
    """The event ``pk`` if the member may act on it with ``permission``: 404 when they may not
    see it, 403 when they may see it but not do this."""
    event = (
        Event.objects.select_related("category", "commune", "organisation", "created_by")
        .filter(pk=pk)
        .first()
    )
    if event is None or not event_is_visible_to(event, request.user):
        raise Http404
    if not request.user.has_perm(permission, event):
        raise PermissionDenied
    return event


def _status_message(request, event):
    if event.status == EventStatus.PUBLISHED:
        messages.success(request, _("Your event is published: it now appears in the agenda."))
    elif event.status == EventStatus.SUBMITTED:
        messages.info(
            request,
            _(
                "Your event is awaiting review: a moderator checks a member's first events "
                "before they appear in the agenda. You will get an e-mail."
            ),
        )
    elif event.status == EventStatus.DRAFT:
        messages.info(
            request,
            _("Draft saved. Only you and your co-organisers see it until you submit it."),
        )
    else:
        messages.success(request, _("Your changes are saved."))


@login_required
def event_propose(request):
    if not request.user.has_perm("agenda.propose_event"):
        return render(request, "agenda/event_propose_denied.html", status=403)
    form = EventForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = workflow.event_create(
                author=request.user, data=form.service_data(), draft="save_draft" in request.POST
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            form.add_error("organisation", str(error))
        else:
            _status_message(request, event)
            return redirect(event)
    return render(request, "agenda/event_form.html", {"form": form, "event": None, **map_context()})


@login_required
def event_edit(request, pk, slug):
    event = _event_for_organiser(request, pk, "agenda.edit_event")
    form = EventForm(request.POST or None, request.FILES or None, user=request.user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                event = workflow.event_update(
                    event=event, editor=request.user, data=form.service_data()
                )
                if "submit" in request.POST and request.user.has_perm("agenda.submit_event", event):
                    event = workflow.event_submit(event=event, actor=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            _status_message(request, event)
            return redirect(event)
    context = {"form": form, "event": event, **map_context()}
    return render(request, "agenda/event_form.html", context)


@login_required
@require_POST
def event_submit(request, pk, slug):
    event = _event_for_organiser(request, pk, "agenda.submit_event")
    try:
        event = workflow.event_submit(event=event, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("agenda:edit", pk=event.pk, slug=event.slug)
    _status_message(request, event)
    return redirect(event)


@login_required
def event_cancel(request, pk, slug):
    event = _event_for_organiser(request, pk, "agenda.cancel_event")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.event_cancel(
                event=event, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The event is cancelled; the members who said they would go have been told."),
            )
            return redirect(event)
    participants = Rsvp.objects.filter(occurrence__event=event).values("user").distinct().count()
    return render(
        request,
        "agenda/event_cancel.html",
        {"event": event, "form": form, "participants": participants or 0},
    )


@login_required
def my_events(request):
    page = Paginator(events_organised_by(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agenda/my_events.html",
        {"page": page, "events": page.object_list, "statuses": EventStatus},
    )
