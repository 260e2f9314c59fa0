"""The public agenda as open data: CSV and JSON with schema.org-compatible fields.

One row (CSV) or item (JSON) per date: a recurring event gives one row per occurrence, each
with its own dates. Same filters as the lists (query string), same capped window as the
iCalendar feeds, at most ``MAX_ROWS`` rows, streamed. Documented in docs/agenda.md.
"""

import csv
import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from parvis.core.emails import absolute_url
from parvis.core.spreadsheets import safe_cell

from .feeds import WINDOW_AHEAD, WINDOW_PAST, windowed_occurrences
from .filters import filter_occurrences, parse_filters

MAX_ROWS = 10_000
CHUNK_SIZE = 500
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
STATUS_URLS = {
    "published": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
}
CSV_COLUMNS = [
    "id",
    "event_id",
    "name",
    "description",
    "startDate",
    "endDate",
    "allDay",
    "eventStatus",
    "cancellationReason",
    "url",
    "location_name",
    "streetAddress",
    "postalCode",
    "addressLocality",
    "communeCode",
    "organizer_name",
    "organizer_url",
    "isAccessibleForFree",
    "price",
    "category",
    "accessibility",
    "externalUrl",
    "image",
    "dateModified",
]


def export_occurrences(occurrences):
    """The rows of an export: occurrences with their event, in date order, capped."""
    return occurrences.select_related(
        "event",
        "event__category",
        "event__commune",
        "event__organisation",
        "event__created_by",
    ).order_by("start", "pk")[:MAX_ROWS]


def _iso(value, all_day):
    local = value.astimezone(ZoneInfo(settings.TIME_ZONE))
    if all_day:
        return local.date().isoformat()
    return local.replace(microsecond=0).isoformat()


def occurrence_item(occurrence):
    """A schema.org Event (as a dict) for one date of an event."""
    event = occurrence.event
    commune = event.commune
    if event.organisation_id:
        organizer = {
            "@type": "Organization",
            "name": event.organisation.name,
            "url": absolute_url(event.organisation.get_absolute_url()),
        }
    else:
        organizer = {"@type": "Person", "name": event.created_by.get_full_name(), "url": ""}
    return {
        "@type": "Event",
        "id": occurrence.pk,
        "event_id": event.pk,
        "name": event.title,
        "description": event.description,
        "startDate": _iso(occurrence.start, event.all_day),
        "endDate": _iso(occurrence.end, event.all_day),
        "allDay": event.all_day,
        "eventStatus": STATUS_URLS.get(event.status, STATUS_URLS["published"]),
        "cancellationReason": event.cancellation_reason if event.is_cancelled else "",
        "url": absolute_url(event.get_absolute_url()),
        "location": {
            "@type": "Place",
            "name": event.venue_name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.address,
                "postalCode": commune.postal_code_list[0] if commune.postal_codes else "",
                "addressLocality": commune.name,
                "addressCountry": "FR",
            },
            "communeCode": commune.code,
        },
        "organizer": organizer,
        "isAccessibleForFree": event.is_free,
        "offers": {
            "@type": "Offer",
            "price": "0" if event.is_free else event.price,
            "priceCurrency": "EUR",
        },
        "category": event.category.name,
        "accessibility": list(event.accessibility or []),
        "externalUrl": event.external_url,
        "image": absolute_url(event.image.url) if event.image else "",
        "dateModified": event.updated_at.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
    }


def csv_row(item):
    location = item["location"]
    address = location["address"]
    return [safe_cell(value) for value in _csv_values(item, location, address)]


def _csv_values(item, location, address):
    return [
        item["id"],
        item["event_id"],
        item["name"],
        item["description"],
        item["startDate"],
        item["endDate"],
        "true" if item["allDay"] else "false",
        item["eventStatus"],
        item["cancellationReason"],
        item["url"],
        location["name"],
        address["streetAddress"],
        address["postalCode"],
        address["addressLocality"],
        location["communeCode"],
        item["organizer"]["name"],
        item["organizer"]["url"],
        "true" if item["isAccessibleForFree"] else "false",
        item["offers"]["price"],
        item["category"],
        " ".join(item["accessibility"]),
        item["externalUrl"],
        item["image"],
        item["dateModified"],
    ]


class _Echo:
    def write(self, value):
        return value


def csv_chunks(occurrences):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for occurrence in occurrences.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(csv_row(occurrence_item(occurrence)))


def json_chunks(occurrences, *, now):
    since, until = now - WINDOW_PAST, now + WINDOW_AHEAD
    header = {
        "@context": "https://schema.org",
        "name": f"{settings.PARVIS_SITE_NAME} — agenda",
        "license": LICENCE,
        "licenseUrl": LICENCE_URL,
        "generated": now.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
        "window": {"from": since.date().isoformat(), "to": until.date().isoformat()},
        "maxItems": MAX_ROWS,
    }
    opening = json.dumps(header, ensure_ascii=False)[:-1] + ', "events": ['
    yield opening
    separator = ""
    for occurrence in occurrences.iterator(chunk_size=CHUNK_SIZE):
        yield separator + json.dumps(occurrence_item(occurrence), ensure_ascii=False)
        separator = ","
    yield "]}\n"


def _filtered(request, now):
    filters = parse_filters(request.GET, request.user)
    return export_occurrences(filter_occurrences(windowed_occurrences(now=now), filters))


def _response(chunks, *, content_type, filename):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_safe
def export_csv(request):
    """/agenda/export.csv?<filters>: one line per date of the public agenda."""
    occurrences = _filtered(request, timezone.now())
    return _response(
        csv_chunks(occurrences), content_type="text/csv; charset=utf-8", filename="agenda.csv"
    )


@require_safe
def export_json(request):
    """/agenda/export.json?<filters>: the same as schema.org Event items."""
    now = timezone.now()
    occurrences = _filtered(request, now)
    return _response(
        json_chunks(occurrences, now=now),
        content_type="application/json; charset=utf-8",
        filename="agenda.json",
    )
