"""What the platform knows about events, declared once (see ``parvis.core.content``): how an
event is reported, the territory pages' "Upcoming events" section, the home page's block, the
notification kinds (``notifications.py``) and what a member's data export and erasure do with
their events and participations."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.core.feed import FeedSource, feed_sources
from parvis.core.geo import map_context
from parvis.core.home import ORDER as HOME_ORDER
from parvis.core.home import HomeBlock, home_blocks
from parvis.core.images import delete_files_with
from parvis.moderation import backoffice
from parvis.moderation import registry as moderation
from parvis.moderation.audit import action_labels_register
from parvis.organisations.sections import ORDER as ORGANISATION_ORDER
from parvis.organisations.sections import OrganisationSection, organisation_sections
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import STAFF_WORK, site_text
from parvis.privacy.registry import CONTRIBUTIONS, CUSTOM, KEEP
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, SECTION_LIMIT, PortalSection, portal_sections
from parvis.territories.selectors import territory_containers, territory_scope
from parvis.territories.signals import communes_regrouped

from . import (
    notifications,  # noqa: F401  (the notification kinds)
    search_provider,  # noqa: F401  (its types in the search box: parvis.core.search)
)
from .feed import events_of_followed_organisations
from .filters import AgendaFilters, filter_occurrences, local_midnight
from .models import LISTING_COPIES, Event, EventOccurrence, EventStatus, Rsvp
from .nearby import occurrence_points
from .selectors import event_is_visible_to, next_rsvps, public_occurrences, upcoming_near
from .services import occurrences_regroup

#: Upcoming events the home page shows.
HOME_EVENTS = 6

# --- territories: the dates' copies of their commune's groupings (models.LISTING_COPIES) -------


def _communes_regrouped(sender, communes, **kwargs):
    # No page to retire here: the import's writes to the territories retire every cached page
    # (``pagecache.ALWAYS``).
    occurrences_regroup(communes=communes)


communes_regrouped.connect(_communes_regrouped, dispatch_uid="agenda.occurrences_regroup")


# --- moderation -------------------------------------------------------------------------------

moderation.register(
    Event,
    label=_("event"),
    author=lambda event: event.created_by,
    author_field="created_by",
    is_visible_to=event_is_visible_to,
    template="moderation/items/event.html",
    select_related=("created_by", "organisation", "commune", "category"),
)


# --- pages ------------------------------------------------------------------------------------


def _map_of(occurrences):
    """The map of a section's dates (the events with a point), when maps are on."""
    if not settings.PARVIS_MAP_TILES_URL:
        return {"map_points": []}
    return {"map_points": occurrence_points(occurrences), **map_context()}


def agenda_filter_params(territory):
    """The agenda's query-string filter for events in ``territory`` (see agenda/filters.py)."""
    if territory.kind == TerritoryKind.DEPARTEMENT:
        return {}
    return {territory.kind: territory.code}


def portal_events(territory, user):
    """The next public dates of events taking place in ``territory`` (one query)."""
    now = timezone.now()
    # The whole département: no filter; otherwise AgendaFilters(commune=...), (epci=...)...
    by_kind = {} if territory.kind == TerritoryKind.DEPARTEMENT else {territory.kind: territory}
    occurrences = filter_occurrences(public_occurrences(), AgendaFilters(**by_kind)).filter(
        start__gte=local_midnight(timezone.localdate(now)), end__gte=now
    )
    feed_url = ""
    if territory.kind == TerritoryKind.COMMUNE:
        feed_url = reverse("agenda:commune_feed", kwargs={"insee": territory.code})
    params = agenda_filter_params(territory)
    listed = list(occurrences.order_by("start", "pk")[:SECTION_LIMIT])
    return {
        "occurrences": listed,
        **_map_of(listed),
        "feed_url": feed_url,
        "see_all_url": reverse("agenda:index") + (f"?{urlencode(params)}" if params else ""),
    }


portal_sections.register(
    PortalSection(
        key="events",
        title=_("Upcoming events"),
        template="agenda/_portal_section.html",
        context=portal_events,
        tags=lambda territory: [territory_scope("agenda.event", territory)],
        order=ORDER["events"],
        see_all_label=_("See all the events"),
    )
)

home_blocks.register(
    HomeBlock(
        key="agenda",
        template="agenda/_home_block.html",
        context=lambda user: {"upcoming_events": upcoming_near(user, limit=HOME_EVENTS)},
        order=HOME_ORDER["agenda"],
        tags=("agenda.eventoccurrence",),
    )
)

# --- personal data (parvis.privacy.registry) ------------------------------------------------


def _events(context):
    """Kept (shown as by a former member), or deleted at the member's choice — except the
    events of an organisation that goes on, which are the organisation's. Participants of
    a deleted event's dates to come are told it is cancelled."""
    if not context.delete_contributions:
        return
    from .activities import participants_tell_cancellation

    events = own_events(context.member, context.plan.closed_organisation_ids)
    events = events.select_related("commune")
    deleted = 0
    for event in events:
        if event.status == EventStatus.PUBLISHED:
            participants_tell_cancellation(
                event=event,
                actor=context.member,  # not told themselves
                reason=site_text("Its organiser deleted their account."),
                gone=True,  # the event is deleted below
            )
        context.forget_file(event.image)
        event.audience.clear()
        event.delete()
        deleted += 1
    context.count("agenda.Event.created_by (deleted)", deleted)


def own_events(member, closed_organisation_ids):
    """Events that are the member's own (not those of an organisation that goes on)."""
    return Event.objects.filter(created_by=member).filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=closed_organisation_ids)
    )


@privacy.plan_step(order=CONTRIBUTIONS)
def _plan_events(plan):
    """How many events the member would delete with their contributions."""
    plan.counts["events"] = own_events(plan.member, plan.closed_organisation_ids).count()


def _rsvps(context):
    """Participations deleted; the counters of the dates to come go down (a past date keeps
    its count: statistics, not personal data)."""
    rsvps = Rsvp.objects.filter(user=context.member)
    upcoming = list(
        rsvps.filter(occurrence__end__gt=context.now).values_list("occurrence_id", flat=True)
    )
    EventOccurrence.objects.filter(pk__in=upcoming, rsvp_count__gt=0).update(
        rsvp_count=F("rsvp_count") - 1
    )
    deleted, _details = rsvps.delete()
    context.count("agenda.Rsvp.user", deleted)


privacy.export(
    "agenda.Event.created_by",
    section="events_created",
    fields=(
        "title",
        "description",
        "category",
        "status",
        "start",
        "end",
        "all_day",
        "rrule",
        "exdates",
        "venue_name",
        "address",
        "commune",
        "organisation",
        "group",
        "image",
        "is_free",
        "price",
        "accessibility",
        "accessibility_details",
        "external_url",
        "capacity",
        "audience",
        "rejection_reason",
        "cancellation_reason",
        "created_at",
        "published_at",
        ("url", lambda row: row.get_absolute_url()),
    ),
    files=("image",),
    queryset=lambda member: (
        Event.objects.filter(created_by=member)
        .select_related("category", "commune", "organisation", "group")
        .prefetch_related("audience")
        .order_by("start", "pk")
    ),
)
privacy.erase("agenda.Event.created_by", action=CUSTOM, handler=_events)
privacy.not_exported("agenda.Event.reviewed_by", reason=STAFF_WORK)
privacy.erase("agenda.Event.reviewed_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "agenda.Rsvp.user",
    section="event_participations",
    fields=(
        ("event", lambda row: row.occurrence.event.title),
        ("date", lambda row: row.occurrence.start),
        ("url", lambda row: row.occurrence.event.get_absolute_url()),
        "created_at",
    ),
    queryset=lambda member: (
        Rsvp.objects.filter(user=member)
        .select_related("occurrence__event")
        .order_by("occurrence__start")
    ),
)
privacy.erase("agenda.Rsvp.user", action=CUSTOM, handler=_rsvps)


# --- page cache --------------------------------------------------------------------------------
# A new event shows in lists once published (its status changes then); a date's participants
# count is a column of the date (its pages and the lists showing it are retired).
# Lists filtered by a territory or a category, commune pages, an organisation's or a group's
# page depend on their scope only (``agenda.event@commune:12``, ``@epci:3``...).
pagecache.declare(
    Event,
    scopes={
        "commune": "commune",
        "category": "category",
        "organisation": "organisation",
        "group": "group",
        "creator": "created_by",
    },
    derived={"commune": territory_containers},
    listed_if={"status": EventStatus.PUBLISHED},
    times=("start", "end"),
)
# A date's participants count shows on its event's page and in the API only: an RSVP retires
# ``agenda.eventoccurrence@event:<id>@activity`` (and the API's lists), not the agenda's lists
# and grids that show the date.
# The dates' copies of their event's (models.LISTING_COPIES) retire nothing: the event's own
# write retires what shows it, and a commune's regrouping what shows territories (every page).
pagecache.declare(
    EventOccurrence,
    scopes={"event": "event"},
    list_fields=("start", "end"),
    activity_fields=("rsvp_count",),
    silent_fields=LISTING_COPIES,
    # A page showing a date changes when it starts and ends ("upcoming", "in progress", gone).
    times=("start", "end"),
)
pagecache.declare(Rsvp, scopes={"occurrence": "occurrence"})


# --- the back office (parvis.moderation.backoffice): the review queue, the audit labels ------

backoffice.register(
    backoffice.Queue(
        key="events",
        label=_("Events to review"),
        queryset=lambda: Event.objects.filter(status=EventStatus.SUBMITTED),
        since="created_at",
        admin_model="agenda.eventawaitingreview",
        permission="agenda.change_event",
        order=30,
        decisions=("agenda.event_publish", "agenda.event_reject", "agenda.event_changes_request"),
    )
)
action_labels_register(
    {
        "agenda.event_publish": _("event approved"),
        "agenda.event_reject": _("event refused"),
        "agenda.event_changes_request": _("changes requested on an event"),
        "agenda.event_cancel": _("event cancelled by a moderator"),
    }
)


def organisation_events(organisation, user):
    """An organisation page's "Upcoming events": its next public dates (one query)."""
    now = timezone.now()
    occurrences = list(
        public_occurrences()
        .filter(
            event__organisation=organisation,
            start__gte=local_midnight(timezone.localdate(now)),
            end__gte=now,
        )
        .order_by("start", "pk")[:SECTION_LIMIT]
    )
    see_all_url = reverse("agenda:index") + "?" + urlencode({"organiser": organisation.slug})
    return {
        "occurrences": occurrences,
        **_map_of(occurrences),
        "see_all_url": see_all_url if occurrences else "",
    }


organisation_sections.register(
    OrganisationSection(
        key="events",
        title=_("Upcoming events"),
        template="agenda/_organisation_section.html",
        context=organisation_events,
        order=ORGANISATION_ORDER["events"],
        see_all_label=_("See all the events"),
    )
)
# A deleted event's image leaves storage (core.images).
delete_files_with(Event, "image")


# --- the member's home: their feed and "My next events" ----------------------------------------


MY_EVENTS = 4

feed_sources.register(
    FeedSource(
        key="agenda",
        items=events_of_followed_organisations,
        tags=("agenda.event", "news.follow"),
    )
)
home_blocks.register(
    HomeBlock(
        key="my_events",
        template="agenda/_home_my_events.html",
        # Members only: one query with a LIMIT.
        context=lambda user: (
            {"my_dates": next_rsvps(user, limit=MY_EVENTS)} if user.is_authenticated else None
        ),
        order=HOME_ORDER["my_events"],
        member_tags=lambda user: ("agenda.rsvp",),
    )
)
