"""Reads of the agenda; visibility comes in pairs (list filter, object check)."""

import functools

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from parvis.core.prepared import prepared
from parvis.groups.models import Group, GroupStatus, MembershipState, Visibility
from parvis.moderation.selectors import annotate_hidden, exclude_hidden, visible
from parvis.organisations.models import OrganisationMembership

from .models import PUBLIC_STATUSES, Event, EventOccurrence


def _organiser_filter(user, prefix=""):
    """Events ``user`` organises: created by them, or by an organisation they help run."""
    managed = OrganisationMembership.objects.filter(user=user).values("organisation_id")
    return Q(**{f"{prefix}created_by": user}) | Q(**{f"{prefix}organisation__in": managed})


def events_visible_to(user):
    """Published and cancelled events for everyone; also the ones ``user`` organises (drafts,
    awaiting review, rejected); every event for staff."""
    qs = Event.objects.all()
    if user.is_authenticated and user.is_staff:
        return qs
    allowed = Q(status__in=PUBLIC_STATUSES)
    if user.is_authenticated:
        allowed |= _organiser_filter(user)
    return visible(qs.filter(allowed), user)  # hidden by moderation: staff and author only


def occurrences_visible_to(user):
    """Dates of the events ``user`` may read (the same rule as ``events_visible_to``), as
    conditions on each date's own event: walked in ``start`` order on its index, not through
    a list of every visible event."""
    qs = EventOccurrence.objects.all()
    if user.is_authenticated and user.is_staff:
        return qs
    allowed = Q(listed=True)  # the event is public (its copy on the date: LISTING_COPIES)
    if user.is_authenticated:
        allowed |= _organiser_filter(user, prefix="event__")
    return visible(qs.filter(allowed), user, "event")


#: Dates longer than this are indexed on their end (``agenda/migrations/0007``).
LONG_DATE_DAYS = 31


def dates_not_over(occurrences, now):
    """``occurrences`` not over at ``now``, as two querysets to read one after the other in
    ``start`` order: the long dates begun more than ``LONG_DATE_DAYS`` ago and still running
    (a small partial index), then the dates from ``LONG_DATE_DAYS`` ago (the ``start`` index,
    without reading every past date)."""
    import datetime

    from django.db.models import F

    since = now - datetime.timedelta(days=LONG_DATE_DAYS)
    running = occurrences.filter(start__lt=since, end__gt=now)
    if connection.vendor == "postgresql":  # the index's own condition (always true here)
        running = running.alias(span=F("end") - F("start")).filter(
            span__gt=datetime.timedelta(days=LONG_DATE_DAYS)
        )
    return running, occurrences.filter(start__gte=since, end__gt=now)


def event_is_visible_to(event, user):
    if event.status in PUBLIC_STATUSES:
        return True
    if not user.is_authenticated:
        return False
    return user.is_staff or user_organises(user, event)


def user_organises(user, event):
    """Whether ``user`` may edit and cancel ``event`` as its organiser."""
    if not user.is_authenticated:
        return False
    if event.created_by_id == user.pk:
        return True
    return (
        event.organisation_id is not None
        and OrganisationMembership.objects.filter(
            organisation_id=event.organisation_id, user=user
        ).exists()
    )


def public_occurrences():
    """Dates of the public agenda (published or cancelled events, not hidden by moderation),
    shaped for lists. The same for everyone: built once per process, each caller gets a
    copy."""
    return _public_occurrences().all()


@functools.cache
def _public_occurrences():
    return exclude_hidden(EventOccurrence.objects.filter(listed=True), "event").select_related(
        "event", "event__category", "event__commune", "event__organisation"
    )


# --- Event page and participants (read by views.event_detail / event_participants) ----------


def event_for_page(pk):
    """The event ``pk`` with what its page shows, or ``None`` (visibility is checked after)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return _event_for_page(pk=pk).first()


@prepared("pk")
def _event_for_page(pk):
    from django.db.models import Prefetch

    from parvis.territories.models import Territory

    return (
        annotate_hidden(Event.objects.filter(pk=pk))  # moderation state, in the same query
        .select_related(
            "category",
            "commune",
            "commune__departement",
            "organisation",
            "created_by",
            "group",
        )
        .prefetch_related(Prefetch("audience", queryset=Territory.objects.order_by("kind", "name")))
    )


def event_dates(event, *, limit=None, now=None):
    """The event's upcoming dates (not yet over), soonest first, at most ``limit``.

    Returns ``(dates, has_more)``. When every date is past, returns the last date, so the
    page still says when the event took place.
    """
    from django.utils import timezone

    now = now or timezone.now()
    upcoming = _upcoming_dates(event=event.pk, now=now)
    dates = list(upcoming[: limit + 1] if limit else upcoming)
    has_more = bool(limit) and len(dates) > limit
    dates = dates[:limit] if limit else dates
    if not dates:
        last = event.occurrences.order_by("-start").first()
        dates = [last] if last else []
    for occurrence in dates:
        occurrence.event = event  # no query for occurrence.event (capacity, full)
    return dates, has_more


@prepared("event", "now")
def _upcoming_dates(event, now):
    return EventOccurrence.objects.filter(event_id=event, end__gt=now).order_by("start")


def rsvped_occurrence_ids(user, occurrences):
    """Primary keys of those ``occurrences`` ``user`` said "I'm going" to."""
    from .models import Rsvp

    if not user.is_authenticated or not occurrences:
        return set()
    return set(
        Rsvp.objects.filter(user=user, occurrence__in=[o.pk for o in occurrences]).values_list(
            "occurrence_id", flat=True
        )
    )


def participants_by_date(event):
    """The event's dates that have participants, with their RSVPs and members (3 queries)."""
    from django.db.models import Prefetch

    from .models import Rsvp

    return (
        event.occurrences.filter(rsvp_count__gt=0)
        .order_by("start")
        .prefetch_related(
            Prefetch(
                "rsvps",
                queryset=Rsvp.objects.select_related("user").order_by(
                    "user__last_name", "user__first_name", "pk"
                ),
            )
        )
    )


def events_organised_by(user):
    """The events ``user`` organises (created, or for an organisation they help run), newest
    first, shaped for the "my events" page."""
    return (
        Event.objects.filter(_organiser_filter(user))
        .select_related("category", "commune", "organisation")
        .order_by("-start")
    )


# --- Finding events (home page; see filters.py for the list, month, week and day pages) -----

#: How far ahead the home page looks for events near a member.
NEAR_HORIZON_DAYS = 31


def upcoming_near(user, *, limit=6, now=None):
    """The next public dates for the home page, soonest first.

    For a member with a commune: the dates of the coming month nearest to them — their commune
    first, then their intercommunality and the events targeted at their territories, then the
    rest of the département (see ``filters.with_proximity``). For visitors: the next dates of
    the whole département. One query.
    """
    import datetime

    from django.utils import timezone

    from .filters import local_midnight, near_condition, with_proximity

    now = now or timezone.now()
    occurrences = public_occurrences().filter(
        start__gte=local_midnight(timezone.localdate(now)), end__gte=now
    )
    commune = user.commune if user.is_authenticated and user.commune_id else None
    if commune is None:
        return list(occurrences.order_by("start", "pk")[:limit])
    occurrences = with_proximity(
        occurrences.filter(start__lt=now + datetime.timedelta(days=NEAR_HORIZON_DAYS)), commune
    )
    # Ordering the month's dates by proximity would sort them all (tens of thousands in a big
    # département). Nested sets are read instead, each in ``start`` order and ``limit`` dates
    # at most — the commune's, the near ones (commune, intercommunality, targeted), all — and
    # the nearest ``limit`` of their union are kept: still one query. (Filtering each set on
    # its ``proximity`` instead made PostgreSQL expect a few rows and hash every event of
    # the month, 30 ms at 10% of Oise.) The nested sets give the same dates: when fewer than
    # ``limit`` dates are in the commune, they are all in the first set, and the soonest
    # ``limit`` near ones hold the soonest of proximity 1; the same for the whole set.
    if connection.features.supports_slicing_ordering_in_compound:
        tiers = [
            occurrences.filter(tier).order_by("start", "pk")[:limit]
            for tier in (Q(event__commune=commune), near_condition(commune), Q())
        ]
        found = {}
        for occurrence in tiers[0].union(*tiers[1:], all=True):
            found.setdefault(occurrence.pk, occurrence)
        nearest = sorted(found.values(), key=lambda o: (o.proximity, o.start, o.pk))[:limit]
    else:  # SQLite (development): no LIMIT inside a UNION
        nearest = list(occurrences.order_by("proximity", "start", "pk")[:limit])
    return sorted(nearest, key=lambda occurrence: (occurrence.start, occurrence.pk))


def linkable_groups(user):
    """The groups ``user`` may attach an event to: public, active groups in which they may
    start a discussion (an active member). A private group is not offered: the agenda is
    public, and the event would tell everyone what the group does."""
    if not user.is_authenticated:
        return Group.objects.none()
    return Group.objects.filter(
        visibility=Visibility.PUBLIC,
        status=GroupStatus.ACTIVE,
        memberships__user=user,
        memberships__state=MembershipState.ACTIVE,
    ).order_by("name")


def next_rsvps(user, *, limit=4, now=None):
    """The dates ``user`` said they attend that are not over yet, soonest first (one query),
    for "My next events" on their home page."""
    now = now or timezone.now()
    return list(
        occurrences_visible_to(user)
        .filter(rsvps__user=user, end__gte=now)
        .select_related("event", "event__commune")
        .order_by("start", "pk")[:limit]
    )
