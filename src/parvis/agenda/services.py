"""Writes of the agenda: the events' workflow and their occurrences.

Workflow: draft → submitted → published or rejected; published → cancelled (stays visible,
clearly marked). Every function is keyword-only, validates before writing (``full_clean``),
writes in a transaction and records what the members concerned are told (``activities``:
the organiser learns the moderators' decisions, the participants a change or a
cancellation), which a notifications worker tells after the commit.
Permission failures raise ``PermissionDenied``; invalid input raises ``ValidationError`` with a
message for the member, and changes nothing.

Publication rule (``publishes_at_once``): an event publishes as soon as it is submitted when
its organiser is a verified organisation the author belongs to, or the author is a verified
official, a moderator, or a member who already has one event that a moderator approved (or
that published at once). Any other member's events wait in the moderation queue: a resident's
first event is reviewed, and once one of theirs has been published the next ones go out at once.
An event of a new account carrying several links also waits (``moderation.safeguards``), and
creating one is refused to a suspended member or beyond a new account's daily allowance.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.accounts.rules import is_identified_member, is_verified_official
from parvis.core.geo import coordinate_parse
from parvis.core.images import image_set
from parvis.core.slugs import title_slug
from parvis.groups.models import GroupStatus, Visibility
from parvis.moderation.audit import audit_record
from parvis.moderation.safeguards import check_not_sanctioned, check_posting_allowed, needs_review
from parvis.organisations.models import Organisation, OrganisationMembership

from .activities import (
    DATE_FIELDS,
    PLACE_FIELDS,
    organiser_tell,
    participants_tell_cancellation,
    participants_tell_change,
    rsvp_members,
)
from .models import Event, EventOccurrence, EventStatus
from .recurrence import RecurrenceError, build_rrule, expand, local_zone
from .selectors import user_organises
from .validation import event_validate

#: Fields of ``data`` that event_create/event_update copy onto the event as they are.
SIMPLE_FIELDS = (
    "title",
    "description",
    "category",
    "start",
    "end",
    "all_day",
    "rrule",
    "exdates",
    "venue_name",
    "address",
    "commune",
    "latitude",
    "longitude",
    "is_free",
    "price",
    "accessibility",
    "accessibility_details",
    "external_url",
    "capacity",
)
#: Changing one of these re-expands the occurrences.
OCCURRENCE_FIELDS = ("start", "end", "rrule", "exdates")


# --- occurrences ------------------------------------------------------------------------------


@transaction.atomic
def event_occurrences_sync(*, event):
    """Make the event's occurrence rows match its dates and recurrence rule.

    Existing rows whose start is still a date of the event are kept (with their RSVPs); rows
    for dates that disappeared are deleted; new dates are inserted. A one-date event that
    moves keeps its single row (and its RSVPs), with the new start and end.
    """
    wanted = dict(
        expand(start=event.start, end=event.end, rrule=event.rrule, exdates=event.exdates)
    )
    existing = {o.start: o for o in event.occurrences.all()}
    if len(wanted) == 1 and len(existing) == 1:
        ((start, end),) = wanted.items()
        (occurrence,) = existing.values()
        if (occurrence.start, occurrence.end) != (start, end):
            occurrence.start, occurrence.end = start, end
            occurrence.save(update_fields=["start", "end"])
        return
    stale = [o.pk for start, o in existing.items() if start not in wanted]
    if stale:
        EventOccurrence.objects.filter(pk__in=stale).delete()
    for start, occurrence in existing.items():
        if start in wanted and occurrence.end != wanted[start]:
            occurrence.end = wanted[start]
            occurrence.save(update_fields=["end"])
    added = EventOccurrence.objects.bulk_create(
        [
            EventOccurrence(event=event, start=s, end=e)
            for s, e in wanted.items()
            if s not in existing
        ]
    )
    if added:  # what the lists filter on, copied from the event (models.LISTING_COPIES)
        event.occurrences.update(**event.listing_copies())


def occurrences_regroup(*, communes):
    """Copy the intercommunality and arrondissement of ``communes`` (primary keys) onto their
    events' dates again, after they moved (``territories.signals.communes_regrouped``)."""
    from django.db.models import OuterRef, Subquery

    from parvis.territories.models import Territory

    commune = Territory.objects.filter(pk=OuterRef("commune_id"))
    EventOccurrence.objects.filter(commune_id__in=list(communes)).update(
        epci_id=Subquery(commune.values("epci_id")),
        arrondissement_id=Subquery(commune.values("arrondissement_id")),
    )


# --- predicates used by the services ----------------------------------------------------------


def is_agenda_moderator(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("agenda.change_event")
    )


def _is_organisation_member(user, organisation) -> bool:
    return OrganisationMembership.objects.filter(organisation=organisation, user=user).exists()


def publishes_at_once(*, author: User, organisation: Organisation | None) -> bool:
    """Whether an event submitted by ``author`` (for ``organisation``) skips the queue."""
    if organisation is not None and organisation.is_verified:
        return True
    if is_verified_official(author) or is_agenda_moderator(author):
        return True
    return Event.objects.filter(created_by=author, published_at__isnull=False).exists()


# --- helpers ----------------------------------------------------------------------------------


def _normalise_exdates(values):
    days = []
    for value in values or ():
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError(
                    {"exdates": _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}}
                ) from None
        if not isinstance(value, dt.date):
            raise ValidationError({"exdates": _("Exception dates must be dates.")})
        days.append(value.isoformat())
    return sorted(set(days))


def _normalise_all_day(event):
    """All-day events run from 00:00 on their first day to 23:59 on their last (local)."""
    zone = local_zone()
    first = timezone.localtime(event.start, zone).date()
    last = timezone.localtime(event.end, zone).date()
    event.start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=zone)
    event.end = dt.datetime.combine(last, dt.time(23, 59), tzinfo=zone)


def _check_can_link_group(editor, group):
    if group.visibility != Visibility.PUBLIC or group.status != GroupStatus.ACTIVE:
        raise ValidationError(
            {"group": _("Only an open public group can be linked to an event of the agenda.")}
        )
    if not (editor.has_perm("groups.start_thread", group) or is_agenda_moderator(editor)):
        raise ValidationError(
            {"group": _("You can only link a group in which you may post (as a member).")}
        )


def _apply(event, data, *, editor):
    """Copy ``data`` onto ``event`` (unsaved); return the names of the fields that changed."""
    data = dict(data)
    if "recurrence" in data:  # structured choice, for API callers: build_rrule's arguments
        recurrence = data.pop("recurrence")
        try:
            data["rrule"] = (
                build_rrule(start=data.get("start", event.start), **recurrence)
                if recurrence
                else ""
            )
        except (RecurrenceError, TypeError, ValueError) as error:
            raise ValidationError({"rrule": str(error)}) from None
    if "exdates" in data:
        data["exdates"] = _normalise_exdates(data["exdates"])
    for name in ("latitude", "longitude"):
        if name in data:
            try:
                data[name] = coordinate_parse(data[name])
            except ValueError:
                raise ValidationError({name: _("Give a number, e.g. 49.4300.")}) from None
    changed = set()
    for name in SIMPLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if value is None and name in {
            "description",
            "rrule",
            "price",
            "accessibility_details",
            "external_url",
        }:
            value = ""
        if name == "accessibility":
            value = sorted(set(value or ()))
        if name in {"category", "commune"}:
            current = getattr(event, f"{name}_id")
            if current != (value.pk if value is not None else None):
                setattr(event, name, value)
                changed.add(name)
        elif getattr(event, name) != value:
            setattr(event, name, value)
            changed.add(name)
    if event.all_day and changed & {"start", "end", "all_day"}:
        _normalise_all_day(event)
    if "title" in changed or not event.slug:
        event.slug = title_slug(event.title, default="evenement")
    if "organisation" in data and data["organisation"] != event.organisation:
        organisation = data["organisation"]
        if organisation is not None and not (
            _is_organisation_member(editor, organisation) or is_agenda_moderator(editor)
        ):
            raise ValidationError(
                {"organisation": _("You can only organise events for an organisation you run.")}
            )
        event.organisation = organisation
        changed.add("organisation")
    if "group" in data and (data["group"].pk if data["group"] else None) != event.group_id:
        if data["group"] is not None:
            _check_can_link_group(editor, data["group"])
        event.group = data["group"]
        changed.add("group")
    if event.is_free and event.price:
        event.price = ""
        changed.add("price")
    return changed


def _set_image(event, image):
    """``image``: an uploaded file (checked and re-encoded), ``False`` to remove it, ``None``
    to leave it alone. Returns whether it changed; the old file goes once committed."""
    return image_set(event, "image", image, max_size=(1600, 1600))


def _check_can_propose(author):
    if not is_identified_member(author):
        raise PermissionDenied(
            _("Only identified members (verified e-mail, commune given) may propose events.")
        )


def _check_can_edit(event, editor):
    if not (
        editor.is_authenticated
        and editor.is_active
        and (user_organises(editor, event) or is_agenda_moderator(editor))
    ):
        raise PermissionDenied(_("Only the event's organisers and moderators may do this."))


# --- the workflow -----------------------------------------------------------------------------


def event_create(*, author: User, data: dict, draft: bool = False) -> Event:
    """Create an event from ``data`` (the cleaned form or API data) and submit it, unless
    ``draft``.

    ``data`` keys: title, description, category, start, end (aware datetimes), all_day, rrule
    (RFC 5545 text without "RRULE:") or recurrence (a dict of ``build_rrule`` arguments, or
    None), exdates (dates or ISO strings), venue_name, address, commune, organisation (or
    None: the author), group (a public group the author may post in, see
    ``selectors.linkable_groups``, or None), image (an uploaded file or None), is_free, price,
    accessibility (codes of ``Accessibility``), accessibility_details, external_url, capacity
    (or None), audience (territories; empty: the whole département). Missing keys take the
    model's defaults.
    """
    _check_can_propose(author)
    organisation = data.get("organisation")
    if organisation is not None and not _is_organisation_member(author, organisation):
        raise PermissionDenied(_("You can only organise events for an organisation you run."))
    event = Event(created_by=author, status=EventStatus.DRAFT)
    changed = _apply(event, data, editor=author)
    event_validate(event, changed=changed, is_new=True, audience=data.get("audience") or [])
    check_posting_allowed(author, "event")  # sanctions, new accounts' daily allowance
    with transaction.atomic():
        _set_image(event, data.get("image"))
        event.save()
        event.audience.set(data.get("audience") or [])
        event_occurrences_sync(event=event)
        if not draft:
            event_submit(event=event, actor=author)
    return event


def event_update(*, event: Event, editor: User, data: dict) -> Event:
    """Change ``event`` with ``data`` (same keys as ``event_create``; absent keys are left
    alone). A change of date or place of a published event is e-mailed to every member who
    RSVPed to a date to come; the occurrences follow the new dates."""
    _check_can_edit(event, editor)
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("A cancelled event can no longer be changed."))
    check_not_sanctioned(editor)
    event = Event.objects.select_related("commune", "category", "created_by").get(pk=event.pk)
    previous = Event.objects.select_related("commune").get(pk=event.pk)
    changed = _apply(event, data, editor=editor)
    audience = data["audience"] or [] if "audience" in data else None
    event_validate(event, changed=changed, audience=audience)
    with transaction.atomic():
        if _set_image(event, data.get("image")):
            changed.add("image")
        if changed:
            event.save(update_fields=sorted(changed | {"slug", "updated_at"}))
        if "audience" in data:
            event.audience.set(data["audience"] or [])
        event_changes_follow(event=event, previous=previous, changed=changed)
    return event


@transaction.atomic
def event_changes_follow(*, event: Event, previous: Event, changed) -> None:
    """After ``event`` was saved with the fields named in ``changed`` (``previous``: the event
    as it was): re-expand its occurrences if its dates changed, and tell the members going to
    a date to come of a published event about a new date or place. ``event_update`` and the
    admin call it."""
    changed = set(changed)
    recipients = None
    if changed & set(OCCURRENCE_FIELDS + ("all_day",)):
        # Collect the participants before stale dates (and their RSVPs) go.
        recipients = rsvp_members(event)
        event_occurrences_sync(event=event)
    if event.status == EventStatus.PUBLISHED and changed & set(DATE_FIELDS + PLACE_FIELDS):
        if recipients is None:
            recipients = rsvp_members(event)
        participants_tell_change(
            event=event, previous=previous, changed=changed, recipients=recipients
        )


def event_submit(*, event: Event, actor: User) -> Event:
    """Submit a draft (or a rejected event, once corrected): published at once when the
    publication rule allows it (see the module's docstring), else queued for moderators."""
    _check_can_edit(event, actor)
    if event.status not in (EventStatus.DRAFT, EventStatus.REJECTED):
        raise ValidationError(_("Only a draft or a rejected event can be submitted."))
    if event.start < timezone.now() and not event.rrule:
        raise ValidationError(_("The event has already started: change its date first."))
    with transaction.atomic():
        if publishes_at_once(
            author=event.created_by, organisation=event.organisation
        ) and not needs_review(event.created_by, f"{event.title}\n{event.description}"):
            event.status = EventStatus.PUBLISHED
            event.published_at = timezone.now()
        else:
            event.status = EventStatus.SUBMITTED
        event.rejection_reason = ""
        event.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    return event


def _check_moderator(moderator):
    if not is_agenda_moderator(moderator):
        raise PermissionDenied(_("Only moderators may review events."))


def event_publish(*, event: Event, moderator: User) -> Event:
    """Approve an event awaiting review; its organiser is told."""
    _check_moderator(moderator)
    if event.status != EventStatus.SUBMITTED:
        raise ValidationError(_("This event is not awaiting review."))
    event.status = EventStatus.PUBLISHED
    event.published_at = timezone.now()
    event.reviewed_by = moderator
    event.rejection_reason = ""
    with transaction.atomic():
        event.save(
            update_fields=[
                "status",
                "published_at",
                "reviewed_by",
                "rejection_reason",
                "updated_at",
            ]
        )
        audit_record(actor=moderator, action="agenda.event_publish", target=event)
        organiser_tell(event=event, kind="agenda.event_published")
    return event


def event_reject(*, event: Event, moderator: User, reason: str) -> Event:
    """Refuse an event awaiting review; the reason is e-mailed to its organiser, who may
    correct the event and submit it again."""
    _check_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the rejection: it is sent to the organiser."))
    if event.status != EventStatus.SUBMITTED:
        raise ValidationError(_("This event is not awaiting review."))
    event.status = EventStatus.REJECTED
    event.rejection_reason = reason
    event.reviewed_by = moderator
    with transaction.atomic():
        event.save(update_fields=["status", "rejection_reason", "reviewed_by", "updated_at"])
        audit_record(actor=moderator, action="agenda.event_reject", target=event, reason=reason)
        organiser_tell(event=event, kind="agenda.event_rejected", reason=reason)
    return event


def event_changes_request(*, event: Event, moderator: User, reason: str) -> Event:
    """Send an event awaiting review back to its organiser as a draft, with what to change;
    they correct it and submit it again (unlike a refusal, it is not closed)."""
    _check_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what to change: it is sent to the organiser."))
    if event.status != EventStatus.SUBMITTED:
        raise ValidationError(_("This event is not awaiting review."))
    event.status = EventStatus.DRAFT
    event.rejection_reason = reason
    event.reviewed_by = moderator
    with transaction.atomic():
        event.save(update_fields=["status", "rejection_reason", "reviewed_by", "updated_at"])
        audit_record(
            actor=moderator, action="agenda.event_changes_request", target=event, reason=reason
        )
        organiser_tell(event=event, kind="agenda.event_changes_requested", reason=reason)
    return event


def event_cancel(*, event: Event, actor: User, reason: str) -> Event:
    """Cancel a published event: it stays visible, marked cancelled, with the reason, and
    every member who RSVPed to one of its dates is e-mailed."""
    _check_can_edit(event, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason: it is shown on the event and sent to participants.")}
        )
    if len(reason) > 2000:
        raise ValidationError({"reason": _("The reason is too long (2000 characters at most).")})
    if event.status != EventStatus.PUBLISHED:
        raise ValidationError(_("Only a published event can be cancelled."))
    event.status = EventStatus.CANCELLED
    event.cancellation_reason = reason
    with transaction.atomic():
        event.save(update_fields=["status", "cancellation_reason", "updated_at"])
        if not user_organises(actor, event):  # cancelled by a moderator
            audit_record(actor=actor, action="agenda.event_cancel", target=event, reason=reason)
        participants_tell_cancellation(event=event, actor=actor, reason=reason)
    return event


# --- RSVP ("I'm going") — written by the event-page helper ------------------------------------
# Imports are local to keep this section independent of the workflow services above.


def _rsvp_occurrence_locked(occurrence):
    """The occurrence row, locked until the end of the transaction, with its event."""
    from .models import EventOccurrence

    return (
        EventOccurrence.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=occurrence.pk)
    )


def rsvp_refusal(*, occurrence, user):
    """Why ``user`` may not say "I'm going" to ``occurrence`` (a message), or ``None``.

    Only the checks that do not depend on the current count (see ``rsvp_create`` for "full").
    Shared by the event page (to show the right button) and the service.
    """
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from parvis.accounts.rules import is_identified_member

    from .models import EventStatus

    if not user.is_authenticated:
        return _("Log in to take part.")
    if not is_identified_member(user):
        return _("Only identified members (verified e-mail address and commune) can take part.")
    event = occurrence.event
    if event.status == EventStatus.CANCELLED:
        return _("This event is cancelled.")
    if event.status != EventStatus.PUBLISHED:
        return _("This event is not published.")
    if occurrence.end <= timezone.now():
        return _("This date is past.")
    return None


def rsvp_create(*, occurrence, user):
    """``user`` goes to ``occurrence``: returns the ``Rsvp`` (the existing one if any).

    Raises ``ValidationError`` for a visitor, a member who is not identified, an event that is
    not published (cancelled, awaiting review...), a past date, or a full date. The occurrence
    row is locked (``select_for_update``) so that concurrent requests never exceed the capacity;
    the counter is updated with ``F()`` in the same transaction.
    """
    from django.core.exceptions import ValidationError
    from django.db.models import F
    from django.utils.translation import gettext as _

    from .models import EventOccurrence, Rsvp

    with transaction.atomic():
        locked = _rsvp_occurrence_locked(occurrence)
        existing = Rsvp.objects.filter(occurrence=locked, user_id=user.pk).first()
        if existing is not None:
            return existing
        refusal = rsvp_refusal(occurrence=locked, user=user)
        if refusal:
            raise ValidationError(refusal, code="refused")
        capacity = locked.event.capacity
        if capacity is not None and locked.rsvp_count >= capacity:
            raise ValidationError(_("This date is full."), code="full")
        rsvp = Rsvp(occurrence=locked, user=user)
        rsvp.full_clean(validate_unique=False)
        rsvp.save()
        EventOccurrence.objects.filter(pk=locked.pk).update(rsvp_count=F("rsvp_count") + 1)
    occurrence.refresh_from_db(fields=["rsvp_count"])
    return rsvp


def rsvp_cancel(*, occurrence, user):
    """``user`` no longer goes to ``occurrence``. Returns whether a participation was removed.

    Idempotent. A past date keeps its participants (``ValidationError``); a cancelled event's
    participations may still be withdrawn.
    """
    from django.core.exceptions import ValidationError
    from django.db.models import F
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import EventOccurrence, Rsvp

    if not user.is_authenticated:
        return False
    with transaction.atomic():
        locked = _rsvp_occurrence_locked(occurrence)
        if locked.end <= timezone.now():
            raise ValidationError(_("This date is past."), code="past")
        deleted, _details = Rsvp.objects.filter(occurrence=locked, user_id=user.pk).delete()
        if deleted:
            EventOccurrence.objects.filter(pk=locked.pk, rsvp_count__gt=0).update(
                rsvp_count=F("rsvp_count") - 1
            )
    occurrence.refresh_from_db(fields=["rsvp_count"])
    return bool(deleted)
