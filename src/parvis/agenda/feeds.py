"""iCalendar (RFC 5545) subscriptions: the public agenda for any filter, per organisation, per
commune and per event.

One VEVENT per event (not per date): a recurring event carries its RRULE and EXDATE, so a
calendar application shows the same dates as the site. Feeds hold public events only
(published, or cancelled with STATUS:CANCELLED), whose dates meet a capped window
(``WINDOW_PAST`` before today to ``WINDOW_AHEAD`` after, at most ``MAX_EVENTS`` events); the
response is streamed and runs a fixed number of queries whatever the number of events.
"""

import datetime as dt
import functools
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar.prop import vRecur

from parvis.core.emails import absolute_url
from parvis.organisations.selectors import organisations_visible_to
from parvis.territories.models import Territory, TerritoryKind

from .filters import filter_occurrences, parse_filters
from .models import PUBLIC_STATUSES, Event, EventOccurrence
from .selectors import event_is_visible_to

WINDOW_PAST = dt.timedelta(days=92)
WINDOW_AHEAD = dt.timedelta(days=366)
MAX_EVENTS = 2000
CHUNK_SIZE = 200
PRODID = "-//Parvis//Agenda//FR"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def feed_window(now=None):
    """The (start, end) datetimes a feed or an export covers."""
    now = now or timezone.now()
    return now - WINDOW_PAST, now + WINDOW_AHEAD


def windowed_occurrences(occurrences=None, *, now=None):
    """Public occurrences whose start falls in the feed window."""
    since, until = feed_window(now)
    if occurrences is None:
        occurrences = EventOccurrence.objects.all()
    return occurrences.filter(event__status__in=PUBLIC_STATUSES, start__gte=since, start__lt=until)


def feed_events(occurrences):
    """Public events having one of ``occurrences``, shaped for a feed, capped at MAX_EVENTS."""
    return (
        Event.objects.filter(status__in=PUBLIC_STATUSES, pk__in=occurrences.values("event_id"))
        .select_related("category", "commune", "organisation", "created_by")
        .order_by("start", "pk")[:MAX_EVENTS]
    )


def _zone():
    return ZoneInfo(settings.TIME_ZONE)


def _host():
    return urlsplit(settings.PARVIS_SITE_URL).hostname or "parvis.example"


@functools.lru_cache(maxsize=4)
def _vtimezone(tzid, last_year):
    """VTIMEZONE bytes for ``tzid`` from 2000 to ``last_year`` (cheap, but cached anyway)."""
    component = icalendar.Timezone.from_tzinfo(
        ZoneInfo(tzid), first_date=dt.date(2000, 1, 1), last_date=dt.date(last_year, 1, 1)
    )
    return component.to_ical()


def event_uid(event):
    """Stable across requests and edits: the event's primary key and the site's host."""
    return f"event-{event.pk}@{_host()}"


def _location(event):
    parts = [event.venue_name, event.address]
    commune = event.commune
    postal = commune.postal_code_list[0] if commune.postal_codes else ""
    parts.append(f"{postal} {commune.name}".strip())
    return ", ".join(part for part in parts if part)


def _organiser_name(event):
    if event.organisation_id:
        return event.organisation.name
    return event.created_by.get_full_name()


def _description(event):
    lines = []
    if event.is_cancelled:
        reason = event.cancellation_reason.strip()
        lines.append(_("Cancelled: %(reason)s") % {"reason": reason} if reason else _("Cancelled"))
        lines.append("")
    if event.description:
        lines.append(event.description.strip())
        lines.append("")
    lines.append(_("Organiser: %(name)s") % {"name": _organiser_name(event)})
    if event.is_free:
        lines.append(_("Free"))
    elif event.price:
        lines.append(_("Price: %(price)s") % {"price": event.price})
    if event.external_url:
        lines.append(event.external_url)
    return "\n".join(lines)


def _rrule(event):
    """The event's rule, with UNTIL of the type RFC 5545 wants: a DATE for an all-day event
    (stored rules say ``UNTIL=...T225959Z``), a UTC date-time otherwise."""
    rule = vRecur.from_ical(event.rrule)
    if "UNTIL" not in rule:
        return rule
    until = rule["UNTIL"][0]
    zone = _zone()
    if event.all_day:
        if isinstance(until, dt.datetime):
            until = (until.astimezone(zone) if until.tzinfo else until).date()
    elif isinstance(until, dt.datetime):
        until = (until if until.tzinfo else until.replace(tzinfo=zone)).astimezone(dt.UTC)
    else:
        until = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=zone).astimezone(dt.UTC)
    rule["UNTIL"] = [until]
    return rule


def event_component(event, *, stamp):
    """The VEVENT of ``event`` (dates in Europe/Paris, or DATE values for an all-day one)."""
    zone = _zone()
    start = event.start.astimezone(zone)
    end = event.end.astimezone(zone)
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", stamp)
    if event.all_day:
        component.add("dtstart", start.date())
        component.add("dtend", end.date() + dt.timedelta(days=1))
    else:
        component.add("dtstart", start)
        component.add("dtend", end)
    if event.rrule:
        component.add("rrule", _rrule(event))
        exdates = []
        for day in event.exdates or []:
            try:
                date = dt.date.fromisoformat(str(day))
            except ValueError:
                continue
            exdates.append(
                date if event.all_day else dt.datetime.combine(date, start.time(), tzinfo=zone)
            )
        if exdates:
            component.add("exdate", exdates)
    component.add("summary", event.title)
    component.add("description", _description(event))
    component.add("location", _location(event))
    component.add("categories", [event.category.name])
    component.add("url", absolute_url(event.get_absolute_url()))
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    component.add("created", event.created_at.astimezone(dt.UTC))
    component.add("last-modified", event.updated_at.astimezone(dt.UTC))
    component.add("transp", "OPAQUE")
    return component


def calendar_header(name):
    """BEGIN:VCALENDAR, the calendar's properties and the VTIMEZONE, as bytes."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    head, _end, _rest = calendar.to_ical().rpartition(b"END:VCALENDAR")
    return head + _vtimezone(settings.TIME_ZONE, timezone.now().year + 5)


def calendar_chunks(name, events):
    """The calendar as a stream of bytes: header, the VEVENTs by chunks, footer."""
    yield calendar_header(name)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    chunk = []
    for event in events.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(event_component(event, stamp=stamp).to_ical())
        if len(chunk) >= 50:
            yield b"".join(chunk)
            chunk = []
    if chunk:
        yield b"".join(chunk)
    yield b"END:VCALENDAR\r\n"


def calendar_response(*, name, filename, events):
    response = StreamingHttpResponse(calendar_chunks(name, events), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


def _filtered_occurrences(request):
    """Public occurrences in the window, with the agenda's filters from the query string."""
    filters = parse_filters(request.GET, request.user)
    return filter_occurrences(windowed_occurrences(), filters)


@require_safe
def agenda_feed(request):
    """/agenda/flux.ics?<filters>: the public agenda with the same filters as the lists."""
    occurrences = _filtered_occurrences(request)
    return calendar_response(
        name=_("%(site)s — agenda") % {"site": settings.PARVIS_SITE_NAME},
        filename="agenda",
        events=feed_events(occurrences),
    )


@require_safe
def organisation_feed(request, slug):
    organisation = get_object_or_404(organisations_visible_to(request.user), slug=slug)
    occurrences = windowed_occurrences().filter(event__organisation=organisation)
    return calendar_response(
        name=_("Agenda — %(name)s") % {"name": organisation.name},
        filename=f"agenda-{organisation.slug}",
        events=feed_events(occurrences),
    )


@require_safe
def commune_feed(request, insee):
    commune = get_object_or_404(Territory, kind=TerritoryKind.COMMUNE, code=insee)
    occurrences = windowed_occurrences().filter(event__commune=commune)
    return calendar_response(
        name=_("Agenda — %(name)s") % {"name": commune.name},
        filename=f"agenda-{commune.code}",
        events=feed_events(occurrences),
    )


@require_safe
def event_feed(request, pk, slug):
    """/agenda/<id>-<slug>.ics: "Add to my calendar" for one event (as visible as its page)."""
    events = Event.objects.select_related("category", "commune", "organisation", "created_by")
    event = get_object_or_404(events, pk=pk)
    if not event_is_visible_to(event, request.user):
        raise Http404
    return calendar_response(
        name=event.title,
        filename=slugify(event.title)[:60] or "evenement",
        events=events.filter(pk=event.pk),
    )
