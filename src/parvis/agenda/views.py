from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .models import Event
from .selectors import event_is_visible_to, public_occurrences


def upcoming(request):
    return render(request, "agenda/upcoming.html", {"occurrences": public_occurrences()[:20]})


def event_detail(request, pk, slug):
    event = get_object_or_404(Event.objects.select_related("category", "commune"), pk=pk)
    if not event_is_visible_to(event, request.user):
        raise Http404
    if slug != event.slug:
        return redirect(event, permanent=True)
    return render(request, "agenda/event_detail.html", {"event": event})
