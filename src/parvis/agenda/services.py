"""Writes of the agenda."""

from django.db import transaction

from .models import EventOccurrence
from .recurrence import expand


@transaction.atomic
def event_occurrences_sync(*, event):
    """Make the event's occurrence rows match its dates and recurrence rule.

    Existing rows whose start is still a date of the event are kept (with their RSVPs); rows
    for dates that disappeared are deleted; new dates are inserted.
    """
    wanted = dict(
        expand(start=event.start, end=event.end, rrule=event.rrule, exdates=event.exdates)
    )
    existing = {o.start: o for o in event.occurrences.all()}
    stale = [o.pk for start, o in existing.items() if start not in wanted]
    if stale:
        EventOccurrence.objects.filter(pk__in=stale).delete()
    for start, occurrence in existing.items():
        if start in wanted and occurrence.end != wanted[start]:
            occurrence.end = wanted[start]
            occurrence.save(update_fields=["end"])
    EventOccurrence.objects.bulk_create(
        [
            EventOccurrence(event=event, start=s, end=e)
            for s, e in wanted.items()
            if s not in existing
        ]
    )
