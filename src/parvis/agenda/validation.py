"""The rules every event obeys, whoever writes it: one function, ``event_validate``.

The web form feeds ``services.event_create`` / ``event_update``, which call it; the API's
viewset calls the same services (their ``ValidationError`` becomes a 400 through the API's one
exception handler, ``parvis.api.exceptions``); the admin's form calls it in its ``clean``. So
the API and the admin refuse exactly what the form refuses: dates (end after start, start to
come), the recurrence (``recurrence.rrule_check``: the form's frequencies, interval, number of
dates and last date), lengths, the price of an event that is not free, the capacity, the
commune, the optional point (both coordinates or neither, inside the département:
``parvis.core.geo.point_clean``, the local reports' rule) and the target territories.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.geo import point_clean
from parvis.territories.models import TerritoryKind

from .recurrence import MAX_OCCURRENCES, RecurrenceError, expand, rrule_check

#: Places per date, at most (the form's bound).
MAX_CAPACITY = 100_000
#: Target territories, at most (the form takes 200 communes plus intercommunalities).
MAX_AUDIENCE = 250
#: Kinds of territory an event may target (none: the whole département).
AUDIENCE_KINDS = (TerritoryKind.COMMUNE, TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT)
#: Text fields that may not be left blank (spaces only count as blank).
REQUIRED_TEXTS = {
    "title": _("Give the event a title."),
    "venue_name": _("Give the name of the venue."),
    "address": _("Give the address of the venue."),
}


def audience_errors(audience):
    """Messages about the target territories ``audience`` (a list), or []."""
    audience = list(audience or ())
    if len(audience) > MAX_AUDIENCE:
        return [_("Target %(max)d territories at most, or the whole département.")]
    if any(territory.kind not in AUDIENCE_KINDS for territory in audience):
        return [_("Target communes, intercommunalities or arrondissements (or none: all).")]
    return []


def event_validate(event, *, changed=(), is_new=False, audience=None):
    """Raise ``ValidationError`` (messages by field, for the person) unless ``event`` (unsaved
    changes applied) may be stored. ``changed``: the names of the fields that changed (the past
    start and an inactive category are refused only when they are new); ``audience``: the new
    target territories, when they change."""
    errors = {}

    def refuse(name, message):
        errors.setdefault(name, []).append(message)

    for name, message in REQUIRED_TEXTS.items():
        if not (getattr(event, name) or "").strip():
            refuse(name, message)
    if event.start and event.end and event.end < event.start:
        refuse("end", _("The end must not be before the start."))
    if event.start and (is_new or "start" in changed) and event.start < timezone.now():
        refuse("start", _("The start is in the past: give a date to come."))
    if (is_new or "category" in changed) and event.category_id and not event.category.is_active:
        refuse("category", _("This category is no longer offered; choose another one."))
    if event.commune_id and event.commune.kind != TerritoryKind.COMMUNE:
        refuse("commune", _("Choose a commune of the territory."))
    if event.capacity is not None and not 1 <= event.capacity <= MAX_CAPACITY:
        refuse(
            "capacity",
            _("The capacity must be between 1 and %(max)d, or empty for unlimited.")
            % {"max": MAX_CAPACITY},
        )
    if not event.is_free and not (event.price or "").strip():
        refuse("price", _("Give the price, or tick “Free”."))
    point_errors = {}
    point_clean(event.latitude, event.longitude, point_errors)
    for name, message in point_errors.items():
        refuse(name, message)
    if len(event.exdates or ()) > MAX_OCCURRENCES:
        refuse("exdates", _("Leave out %(max)d dates at most.") % {"max": MAX_OCCURRENCES})
    if event.start and (is_new or {"rrule", "start"} & set(changed)):
        try:
            rrule_check(event.rrule, start=event.start)
        except RecurrenceError as error:
            refuse("rrule", str(error))
    if audience is not None:
        for message in audience_errors(audience):
            refuse("audience", message % {"max": MAX_AUDIENCE})
    if errors:
        raise ValidationError(errors)
    event.full_clean(exclude=["image", "slug"])
    try:
        dates = expand(start=event.start, end=event.end, rrule=event.rrule, exdates=event.exdates)
    except RecurrenceError as error:
        raise ValidationError({"rrule": str(error)}) from None
    if not dates:
        raise ValidationError({"exdates": _("The exceptions leave no date for this event.")})
