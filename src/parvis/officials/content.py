"""What the officials' app shows on other pages, declared once (see
``parvis.core.content``): the territory pages' "Elected officials" section, and the "Events
they organise" section of an official's own page (the registry of those pages' sections is
``sections.py``). The app has no content type of its own: it reads ``accounts.Mandate``."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER as PORTAL_ORDER
from parvis.territories.portal import SECTION_LIMIT, PortalSection, portal_sections

from . import (
    search_provider,  # noqa: F401  (its types in the search box: parvis.core.search)
    selectors,
)
from .sections import ORDER, OfficialSection, official_sections


def official_list_url(territory=None):
    """``/elus/`` filtered on ``territory`` (the département: every official)."""
    url = reverse("officials:list")
    if territory is None or territory.kind == TerritoryKind.DEPARTEMENT:
        return url
    return f"{url}?{urlencode({territory.kind: territory.code})}"


def territory_officials(territory, user):
    """The territory page's section: verified mandates on the territory (then inside it)."""
    return {
        "mandates": selectors.territory_mandates(territory, user, limit=SECTION_LIMIT * 2),
        "see_all_url": official_list_url(territory),
    }


def official_events(official, user):
    """The official page's section: the next dates of the events they organise."""
    occurrences = selectors.upcoming_events_of(official, limit=SECTION_LIMIT)
    see_all_url = ""
    if len(official.institutions) == 1:
        see_all_url = (
            reverse("agenda:index") + "?" + urlencode({"organiser": official.institutions[0].slug})
        )
    return {"occurrences": occurrences, "see_all_url": see_all_url}


portal_sections.register(
    PortalSection(
        key="officials",
        title=_("Elected officials"),
        template="officials/sections/territory_officials.html",
        context=territory_officials,
        tags=lambda territory: ["accounts.mandate"],
        order=PORTAL_ORDER["officials"],
        see_all_label=_("See all the elected officials"),
    )
)
official_sections.register(
    OfficialSection(
        key="events",
        title=_("Events they organise"),
        template="officials/sections/events.html",
        context=official_events,
        order=ORDER["events"],
        see_all_label=_("See all the events"),
    )
)
