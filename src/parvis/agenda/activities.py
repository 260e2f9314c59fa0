"""What the agenda tells, and to whom: activities recorded by ``services`` in their
transaction, told by a notifications worker after the commit (``notifications.activities``).

The kinds are the agenda's notification types (``notifications.py``), told as they are: the
members concerned are named when the activity is recorded — the organiser of a reviewed
event, the members going to a date to come of an event that changes or is cancelled (named
before stale dates and their RSVPs go).
"""

from django.urls import reverse
from django.utils import formats, timezone, translation

from parvis.accounts.models import User
from parvis.core.emails import absolute_url
from parvis.notifications.activities import activity_record

from .models import Rsvp

#: A change to one of these on a published event is told to the members who RSVPed.
DATE_FIELDS = ("start", "end", "all_day", "rrule", "exdates")
PLACE_FIELDS = ("venue_name", "address", "commune")


def _local_text(value):
    """A date and time for an e-mail (French: the e-mails' default language)."""
    with translation.override("fr"):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _venue(event):
    return f"{event.venue_name}, {event.address}, {event.commune.name}"


def _event_context(event, **extra):
    return {
        "title": event.title,
        "url": absolute_url(event.get_absolute_url()),
        "start": _local_text(event.start),
        "venue": _venue(event),
        **extra,
    }


def rsvp_members(event):
    """The active members who RSVPed to a date of ``event`` still to come (each once): the
    people a cancellation or a change concerns."""
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Rsvp.objects.filter(
                occurrence__event=event, occurrence__end__gte=timezone.now()
            ).values("user_id"),
        ).order_by("pk")
    )


def organiser_tell(*, event, kind: str, reason: str = "") -> None:
    """The member who proposed ``event`` learns a moderator's decision (``kind``:
    ``agenda.event_published`` or ``agenda.event_rejected``, with the reason and the link to
    correct it). Moderators stay anonymous."""
    extra, url = {}, ""
    if kind in ("agenda.event_rejected", "agenda.event_changes_requested"):
        url = reverse("agenda:edit", kwargs={"pk": event.pk, "slug": event.slug})
        extra = {"reason": reason, "edit_url": absolute_url(url)}
    activity_record(
        kind=kind,
        target=event,
        recipients=[event.created_by],
        url=url,
        data=_event_context(event, **extra),
    )


def participants_tell_change(*, event, previous, changed, recipients) -> None:
    """The members going to a date to come (``recipients``, named before the occurrences
    were synchronised) learn a new date or place (``previous``: the event before)."""
    activity_record(
        kind="agenda.event_changed",
        target=event,
        recipients=recipients,
        data=_event_context(
            event,
            date_changed=bool(changed & set(DATE_FIELDS)),
            place_changed=bool(changed & set(PLACE_FIELDS)),
            old_start=_local_text(previous.start),
            old_venue=_venue(previous),
        ),
    )


def participants_tell_cancellation(*, event, actor, reason: str, gone: bool = False) -> None:
    """The members going to a date to come learn that ``event`` is cancelled, and why.
    ``gone``: the event is about to be deleted (its organiser's account is erased): the
    notification links to the agenda instead."""
    extra = {"url": absolute_url(reverse("agenda:index"))} if gone else {}
    activity_record(
        kind="agenda.event_cancelled",
        actor=actor,
        target=None if gone else event,
        recipients=rsvp_members(event),
        data=_event_context(event, reason=reason, **extra),
    )
