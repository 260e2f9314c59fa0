"""What the platform knows about events, declared once (see ``parvis.core.content``): how an
event is reported, the territory pages' "Upcoming events" section, the home page's block, the
notification kinds (``notifications.py``) and what a member's data export and erasure do with
their events and participations."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.home import ORDER as HOME_ORDER
from parvis.core.home import HomeBlock, home_blocks
from parvis.moderation import registry as moderation
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, SECTION_LIMIT, PortalSection, portal_sections

from . import notifications  # noqa: F401  (the notification kinds)
from .filters import AgendaFilters, filter_occurrences, local_midnight
from .models import Event
from .selectors import event_is_visible_to, public_occurrences, upcoming_near

#: Upcoming events the home page shows.
HOME_EVENTS = 6

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
    return {
        "occurrences": list(occurrences.order_by("start", "pk")[:SECTION_LIMIT]),
        "feed_url": feed_url,
        "see_all_url": reverse("agenda:index") + (f"?{urlencode(params)}" if params else ""),
    }


portal_sections.register(
    PortalSection(
        key="events",
        title=_("Upcoming events"),
        template="agenda/_portal_section.html",
        context=portal_events,
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
        shows=("agenda",),
    )
)
