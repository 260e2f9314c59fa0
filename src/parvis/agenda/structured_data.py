"""What the event page tells machines: schema.org Event (JSON-LD) and Open Graph.

``event_jsonld`` returns a plain dict; the page writes it with the ``json_ld`` template tag
(``agenda_event``), which escapes it for a ``<script>`` element.
"""

import re
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from parvis.core.richtext import render_markdown

SCHEMA = "https://schema.org/"
_PRICE = re.compile(r"(\d+(?:[.,]\d{1,2})?)")


def plain_summary(event, words=40):
    """The description as plain text (Markdown rendered, sanitised, tags stripped)."""
    text = strip_tags(render_markdown(event.description))
    text = " ".join(text.split())
    return Truncator(text).words(words) if text else ""


def postal_code(commune):
    codes = commune.postal_code_list
    return codes[0] if codes else ""


def openstreetmap_url(event):
    if event.has_point:
        lat, lon = f"{event.latitude:f}", f"{event.longitude:f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
    query = ", ".join(
        part
        for part in (event.address, f"{postal_code(event.commune)} {event.commune.name}".strip())
        if part
    )
    return "https://www.openstreetmap.org/search?" + urlencode({"query": query})


def _iso(value, all_day):
    local = timezone.localtime(value)
    return local.date().isoformat() if all_day else local.isoformat()


def event_jsonld(event, *, occurrence, url, image_url="", organiser_url=""):
    """schema.org ``Event`` for ``event`` at ``occurrence`` (its next date)."""
    start = occurrence.start if occurrence else event.start
    end = occurrence.end if occurrence else event.end
    commune = event.commune
    address = {
        "@type": "PostalAddress",
        "streetAddress": event.address,
        "addressLocality": commune.name,
        "addressCountry": "FR",
    }
    if postal_code(commune):
        address["postalCode"] = postal_code(commune)
    departement = getattr(commune, "departement", None)
    if departement is not None:
        address["addressRegion"] = departement.name
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "startDate": _iso(start, event.all_day),
        "endDate": _iso(end, event.all_day),
        "eventStatus": SCHEMA + ("EventCancelled" if event.is_cancelled else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": event.venue_name, "address": address},
        "isAccessibleForFree": event.is_free,
    }
    if event.has_point:
        data["location"]["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(event.latitude),
            "longitude": float(event.longitude),
        }
    summary = plain_summary(event, words=80)
    if summary:
        data["description"] = summary
    if event.category_id:
        data["keywords"] = event.category.name
    if image_url:
        data["image"] = [image_url]
    if event.organisation_id:
        organizer = {"@type": "Organization", "name": event.organisation.name}
    else:
        organizer = {"@type": "Person", "name": event.created_by.get_full_name()}
    if organiser_url:
        organizer["url"] = organiser_url
    data["organizer"] = organizer
    offer = {"@type": "Offer", "url": url, "priceCurrency": "EUR"}
    if event.is_free:
        offer["price"] = "0"
    else:
        match = _PRICE.search(event.price or "")
        if match:
            offer["price"] = match.group(1).replace(",", ".")
        if event.price:
            offer["description"] = event.price
    if occurrence is not None and occurrence.is_full:
        offer["availability"] = SCHEMA + "SoldOut"
    else:
        offer["availability"] = SCHEMA + "InStock"
    data["offers"] = offer
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        if occurrence is not None:
            data["remainingAttendeeCapacity"] = max(event.capacity - occurrence.rsvp_count, 0)
    return data
