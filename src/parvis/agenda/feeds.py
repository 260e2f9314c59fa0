"""iCalendar (RFC 5545) subscriptions: the public agenda for any filter, per organisation, per
commune and per event.

One VEVENT per event (not per date): a recurring event carries its RRULE and EXDATE, so a
calendar application shows the same dates as the site. Feeds hold public events only
(published, or cancelled with STATUS:CANCELLED) with a date in a window (``WINDOW_PAST`` before
today to ``WINDOW_AHEAD`` after), at most ``MAX_EVENTS`` events: when there are more, the events
with the soonest dates from today on come first, then the most recent past ones.

Cost (see docs/performance.md): a fixed number of queries whatever the number of events. The
events are chosen by ``feed_event_ids`` (for the whole agenda, a bounded read of the dates on
the ``start`` index); what each VEVENT shows is read as plain rows; the response is streamed,
each VEVENT written as text directly (``VeventWriter``: the icalendar library, which the tests
use to parse every feed back, builds the same component some twenty times slower) and kept in
the cache (Redis) under a key that changes with everything the text shows: the event's last
change (``updated_at``, set by every save: services, admin), its category's, commune's and
organiser's names, the language and the site's address. Invalidation is thus explicit in the
key and cannot be forgotten; texts nobody asks for expire after a day.
"""

import datetime as dt
import functools
import hashlib
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.db.models import F, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar.prop import vRecur

from parvis.accounts.models import User
from parvis.core import pagecache
from parvis.core.emails import absolute_url
from parvis.core.pagecache import public_page
from parvis.core.routers import replica_reads
from parvis.core.slugs import title_slug
from parvis.moderation.selectors import exclude_hidden, hidden_from
from parvis.organisations.selectors import organisations_visible_to
from parvis.territories.models import Territory, TerritoryKind
from parvis.territories.selectors import territory_scope

from .filters import FILTER_PARAMS, cache_tags, filter_occurrences, local_midnight, parse_filters
from .models import Event, EventOccurrence, EventStatus
from .recurrence import rrule_for_feed
from .selectors import event_is_visible_to

WINDOW_PAST = dt.timedelta(days=92)
WINDOW_AHEAD = dt.timedelta(days=366)
#: About 700 KB at most: under the 1 MB some calendar applications accept (2,000 events made
#: 1.4 MB at the scale of the département). A filtered feed covers more days.
MAX_EVENTS = 1000
#: Choosing a feed's events reads at most this many dates per event allowed, each way from
#: today; a feed whose events repeat more often than that within the window holds fewer events.
DATES_PER_EVENT = 2
#: VEVENTs per streamed chunk.
CHUNK_EVENTS = 50
PRODID = "-//Parvis//Agenda//FR"
CONTENT_TYPE = "text/calendar; charset=utf-8"
#: What a VEVENT shows, read as plain rows (``values()``: no model instances to build).
VEVENT_VALUES = (
    "pk",
    "slug",
    "title",
    "description",
    "start",
    "end",
    "all_day",
    "rrule",
    "exdates",
    "venue_name",
    "address",
    "latitude",
    "longitude",
    "is_free",
    "price",
    "external_url",
    "status",
    "cancellation_reason",
    "created_at",
    "updated_at",
    "category__name",
    "commune__name",
    "commune__postal_codes",
    "organisation_id",
    "organisation__name",
    "member_name",
)
#: What a VEVENT shows besides the event's own fields: with ``updated_at``, its cache key.
SHOWN_FIELDS = (
    "updated_at",
    "category__name",
    "commune__name",
    "commune__postal_codes",
    "organisation__name",
    "member_name",
)
VEVENT_CACHE_SECONDS = 24 * 3600
#: Change it when ``VeventWriter`` writes something else: every cached text is then left out.
VEVENT_FORMAT = 1


def feed_window(now=None):
    """The (start, end) datetimes a feed or an export covers."""
    now = now or timezone.now()
    return now - WINDOW_PAST, now + WINDOW_AHEAD


def windowed_occurrences(occurrences=None, *, now=None):
    """Public occurrences whose start falls in the feed window."""
    since, until = feed_window(now)
    if occurrences is None:
        occurrences = EventOccurrence.objects.all()
    return exclude_hidden(  # events hidden by moderation are in no feed
        occurrences.filter(listed=True, start__gte=since, start__lt=until),
        "event",
    )


def feed_event_ids(occurrences, *, now=None, dense=False):
    """Primary keys of the events of ``occurrences`` (dates already in the window) a feed
    holds, at most ``MAX_EVENTS``: those with the soonest dates from today on, then those with
    the most recent past dates.

    ``dense`` (the whole agenda, no filter): the dates are read in order on the ``start``
    index, from today forwards then backwards, ``DATES_PER_EVENT × MAX_EVENTS`` at most each
    way — a bounded read, however many dates are stored (two queries at most). Otherwise one
    query groups the matching dates by event: filters let PostgreSQL start from their own
    indexes (category, commune, organisation...), and the order is exact."""
    now = now or timezone.now()
    today = local_midnight(timezone.localdate(now))
    limit = MAX_EVENTS
    if not dense:
        ranked = (
            occurrences.order_by()
            .values("event_id")
            .annotate(
                next_start=Min("start", filter=Q(start__gte=today)),
                last_start=Max("start", filter=Q(start__lt=today)),
            )
            .order_by(F("next_start").asc(nulls_last=True), F("last_start").desc(), "event_id")
        )
        return [row["event_id"] for row in ranked[:limit]]
    chosen = {}  # insertion-ordered set
    for dates in (
        occurrences.filter(start__gte=today).order_by("start", "event_id"),
        occurrences.filter(start__lt=today).order_by("-start", "-event_id"),
    ):
        if len(chosen) >= limit:
            break
        for event_id in dates.values_list("event_id", flat=True)[: DATES_PER_EVENT * limit]:
            chosen[event_id] = None
            if len(chosen) >= limit:
                break
    return list(chosen)


def _with_member_name(events):
    """``events`` with ``member_name``, the full name of the member who created each one: a
    subquery per event (an index lookup), where a join would read the whole members table."""
    names = (
        User.objects.filter(pk=OuterRef("created_by_id"))
        .annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        .values("full_name")[:1]
    )
    return events.annotate(member_name=Subquery(names))


def _vevent_cache():
    """The cache for VEVENT texts, or ``None`` when it would cost SQL queries (the database
    cache of the embedded first run)."""
    cache = caches["default"]
    return None if isinstance(cache, BaseDatabaseCache) else cache


def _vevent_key(pk, shown, context):
    digest = hashlib.blake2b(repr((shown, context)).encode(), digest_size=12).hexdigest()
    return f"agenda:vevent:{VEVENT_FORMAT}:{pk}:{digest}"


def feed_entries(occurrences, *, now=None, dense=False):
    """``(event pk, VEVENT body)`` for the events a feed holds (see ``feed_event_ids``), in
    date order; lazy: the queries run when the response streams. At most four queries: the
    event ids (one or two), what each VEVENT shows (its cache key), and the events whose text
    is not in the cache yet."""
    ids = feed_event_ids(occurrences, now=now, dense=dense)
    if not ids:
        return
    events = _with_member_name(Event.objects.filter(pk__in=ids)).order_by("start", "pk")
    cache = _vevent_cache()
    if cache is None:
        writer = VeventWriter()
        for row in events.values(*VEVENT_VALUES).iterator(chunk_size=500):
            yield row["pk"], writer.body(row)
        return
    context = (get_language(), settings.PARVIS_SITE_URL, settings.TIME_ZONE)
    keys = {
        pk: _vevent_key(pk, shown, context)
        for pk, *shown in events.values_list("pk", *SHOWN_FIELDS)
    }
    texts = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in texts]
    if missing:
        writer = VeventWriter()
        fresh = {
            keys[row["pk"]]: writer.body(row)
            for row in _with_member_name(Event.objects.filter(pk__in=missing)).values(
                *VEVENT_VALUES
            )
        }
        cache.set_many(fresh, timeout=VEVENT_CACHE_SECONDS)
        texts.update(fresh)
    for pk, key in keys.items():
        if key in texts:
            yield pk, texts[key]


def event_entries(events):
    """``(pk, VEVENT body)`` for each of ``events`` (a queryset), uncached: one query."""
    writer = VeventWriter()
    for row in _with_member_name(events).values(*VEVENT_VALUES):
        yield row["pk"], writer.body(row)


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


def event_uid(pk, host=None):
    """Stable across requests and edits: the event's primary key and the site's host."""
    return f"event-{pk}@{host or _host()}"


@functools.lru_cache(maxsize=1024)
def _rrule_text(rrule, all_day, tzid):
    """The event's rule, with UNTIL of the type RFC 5545 wants: a DATE for an all-day event
    (stored rules say ``UNTIL=...T225959Z``), a UTC date-time otherwise. Cached: many events
    share a rule (weekly, ten times...)."""
    rule = vRecur.from_ical(rrule)
    if "UNTIL" not in rule:
        return rule.to_ical().decode()
    until = rule["UNTIL"][0]
    zone = ZoneInfo(tzid)
    if all_day:
        if isinstance(until, dt.datetime):
            until = (until.astimezone(zone) if until.tzinfo else until).date()
    elif isinstance(until, dt.datetime):
        until = (until if until.tzinfo else until.replace(tzinfo=zone)).astimezone(dt.UTC)
    else:
        until = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=zone).astimezone(dt.UTC)
    rule["UNTIL"] = [until]
    return rule.to_ical().decode()


# --- writing iCalendar text (RFC 5545, section 3.1 and 3.3) ------------------------------------

#: Control characters a TEXT value may not hold (all but HTAB; line breaks are escaped first).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def ical_text(value):
    """A TEXT value: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11),
    other control characters left out."""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL_CHARACTERS.sub("", value.replace("\n", "\\n"))


def content_line(name, value):
    """``NAME:value`` as UTF-8 bytes ending with CRLF, folded so that no line is longer than
    75 octets, never inside a multi-octet character (RFC 5545 3.1)."""
    data = f"{name}:{value}".encode()
    if len(data) <= 75:
        return data + b"\r\n"
    parts, start, size = [], 0, 75
    while start < len(data):
        end = start + size
        if end < len(data):
            while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character
                end -= 1
        parts.append(data[start:end])
        start, size = end, 74  # a folded line starts with a space
    return b"\r\n ".join(parts) + b"\r\n"


def _date(value):
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _time(value):
    return f"T{value.hour:02d}{value.minute:02d}{value.second:02d}"


def _local_datetime(value, zone):
    value = value.astimezone(zone)
    return _date(value) + _time(value)


def _utc_datetime(value):
    value = value.astimezone(dt.UTC)
    return _date(value) + _time(value) + "Z"


class VeventWriter:
    """Writes the VEVENTs of a feed, each from a dict of ``VEVENT_VALUES``; what they share
    (the time zone, the site's address, the labels in the current language) is looked up
    once."""

    def __init__(self):
        self.zone = _zone()
        self.tzid = f"TZID={self.zone.key}"
        marker = "987654321-parvis-slug"
        path = reverse("agenda:event", kwargs={"pk": 987654321, "slug": "parvis-slug"})
        self.url_prefix, _marker, self.url_suffix = absolute_url(path).partition(marker)
        self.labels = {
            "cancelled": pgettext("event", "Cancelled"),
            "cancelled_because": pgettext("event", "Cancelled: %(reason)s"),
            "organiser": _("Organiser: %(name)s"),
            "free": _("Free"),
            "price": _("Price: %(price)s"),
        }

    def url(self, row):
        """The event page's address, as ``Event.get_absolute_url`` gives it."""
        return f"{self.url_prefix}{row['pk']}-{row['slug'] or 'evenement'}{self.url_suffix}"

    def location(self, row):
        postal_codes = (row["commune__postal_codes"] or "").split()
        town = f"{postal_codes[0] if postal_codes else ''} {row['commune__name']}".strip()
        return ", ".join(part for part in (row["venue_name"], row["address"], town) if part)

    def description(self, row):
        labels, lines = self.labels, []
        if row["status"] == EventStatus.CANCELLED:
            reason = row["cancellation_reason"].strip()
            if reason:
                lines.append(labels["cancelled_because"] % {"reason": reason})
            else:
                lines.append(labels["cancelled"])
            lines.append("")
        if row["description"]:
            lines.append(row["description"].strip())
            lines.append("")
        if row["organisation_id"]:
            organiser = row["organisation__name"]
        else:
            organiser = (row["member_name"] or "").strip()
        lines.append(labels["organiser"] % {"name": organiser})
        if row["is_free"]:
            lines.append(labels["free"])
        elif row["price"]:
            lines.append(labels["price"] % {"price": row["price"]})
        if row["external_url"]:
            lines.append(row["external_url"])
        return "\n".join(lines)

    def exdates(self, row):
        """EXDATE values: the DATE, or the local start time on that day."""
        values = []
        start_time = "" if row["all_day"] else _time(row["start"].astimezone(self.zone))
        for day in row["exdates"] or []:
            try:
                date = dt.date.fromisoformat(str(day))
            except ValueError:
                continue
            values.append(_date(date) + start_time)
        return values

    def body(self, row):
        """The VEVENT after its UID and DTSTAMP, as bytes: dates in Europe/Paris (``TZID``,
        described by the calendar's VTIMEZONE), or DATE values for an all-day event
        (``DTEND`` the day after its last day)."""
        zone, tzid = self.zone, self.tzid
        lines = []
        if row["all_day"]:
            after_last = row["end"].astimezone(zone).date() + dt.timedelta(days=1)
            lines.append(content_line("DTSTART;VALUE=DATE", _date(row["start"].astimezone(zone))))
            lines.append(content_line("DTEND;VALUE=DATE", _date(after_last)))
        else:
            lines.append(content_line(f"DTSTART;{tzid}", _local_datetime(row["start"], zone)))
            lines.append(content_line(f"DTEND;{tzid}", _local_datetime(row["end"], zone)))
        # A rule stored before the service checked rules is bounded, or left out (one date).
        rrule = rrule_for_feed(row["rrule"], start=row["start"]) if row["rrule"] else ""
        if rrule:
            rule = _rrule_text(rrule, row["all_day"], zone.key)
            lines.append(content_line("RRULE", rule))
            exdates = self.exdates(row)
            if exdates:
                parameter = "VALUE=DATE" if row["all_day"] else tzid
                lines.append(content_line(f"EXDATE;{parameter}", ",".join(exdates)))
        cancelled = row["status"] == EventStatus.CANCELLED
        lines += [
            content_line("SUMMARY", ical_text(row["title"])),
            content_line("DESCRIPTION", ical_text(self.description(row))),
            content_line("LOCATION", ical_text(self.location(row))),
        ]
        if row["latitude"] is not None and row["longitude"] is not None:
            lines.append(content_line("GEO", f"{row['latitude']:f};{row['longitude']:f}"))
        lines += [
            content_line("CATEGORIES", ical_text(row["category__name"])),
            content_line("URL", self.url(row)),
            content_line("STATUS", "CANCELLED" if cancelled else "CONFIRMED"),
            content_line("CREATED", _utc_datetime(row["created_at"])),
            content_line("LAST-MODIFIED", _utc_datetime(row["updated_at"])),
            b"TRANSP:OPAQUE\r\nEND:VEVENT\r\n",
        ]
        return b"".join(lines)


def vevent_head(pk, *, stamp, host):
    """BEGIN:VEVENT, UID and DTSTAMP (the time the feed is generated)."""
    return (
        b"BEGIN:VEVENT\r\n"
        + content_line("UID", ical_text(event_uid(pk, host)))
        + content_line("DTSTAMP", _utc_datetime(stamp))
    )


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
    """The calendar as a stream of bytes: header, the VEVENTs by chunks, footer. ``events``:
    ``(pk, VEVENT body)`` pairs (``feed_entries``, ``event_entries``)."""
    yield calendar_header(name)
    stamp = timezone.now().replace(microsecond=0)
    host = _host()
    chunk = []
    for pk, body in events:
        chunk.append(vevent_head(pk, stamp=stamp, host=host))
        chunk.append(body)
        if len(chunk) >= 2 * CHUNK_EVENTS:
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


@require_safe
@public_page(params=FILTER_PARAMS, dynamic=True)
@replica_reads
def agenda_feed(request):
    """/agenda/flux.ics?<filters>: the public agenda with the same filters as the lists."""
    filters = parse_filters(request.GET, request.user)
    pagecache.depends_on(*cache_tags(filters))
    occurrences = filter_occurrences(windowed_occurrences(), filters)
    return calendar_response(
        name=_("%(site)s — agenda") % {"site": settings.PARVIS_SITE_NAME},
        filename="agenda",
        events=feed_entries(occurrences, dense=not filters.is_active),
    )


@require_safe
@public_page(dynamic=True)
@replica_reads
def organisation_feed(request, slug):
    organisation = get_object_or_404(organisations_visible_to(request.user), slug=slug)
    pagecache.depends_on(pagecache.scoped("agenda.event", "organisation", organisation.pk))
    occurrences = windowed_occurrences().filter(event__organisation=organisation)
    return calendar_response(
        name=_("Agenda — %(name)s") % {"name": organisation.name},
        filename=f"agenda-{organisation.slug}",
        events=feed_entries(occurrences),
    )


@require_safe
@public_page(dynamic=True)
@replica_reads
def commune_feed(request, insee):
    commune = get_object_or_404(Territory, kind=TerritoryKind.COMMUNE, code=insee)
    pagecache.depends_on(territory_scope("agenda.event", commune))
    occurrences = windowed_occurrences().filter(event__commune=commune)
    return calendar_response(
        name=_("Agenda — %(name)s") % {"name": commune.name},
        filename=f"agenda-{commune.code}",
        events=feed_entries(occurrences),
    )


@require_safe
@public_page("agenda.eventoccurrence@event:{pk}")
@replica_reads
def event_feed(request, pk, slug):
    """/agenda/<id>-<slug>.ics: "Add to my calendar" for one event (as visible as its page)."""
    event = get_object_or_404(Event.objects.select_related("created_by"), pk=pk)
    if not event_is_visible_to(event, request.user) or hidden_from(event, request.user):
        raise Http404
    return calendar_response(
        name=event.title,
        filename=title_slug(event.title, default="evenement", max_length=60),
        events=event_entries(Event.objects.filter(pk=event.pk)),
    )
