"""The sections of an elected official's page (``/elus/<id>/``), and the officials' section
of the territory pages.

Apps add what an official does to their page by registering an ``OfficialSection`` in their
``AppConfig.ready()``:

.. code-block:: python

    from parvis.officials.sections import ORDER, OfficialSection, official_sections

    official_sections.register(
        OfficialSection(
            key="posts",
            title=_("Posts"),
            template="news/_official_section.html",
            context=selectors.official_posts,  # (official, user) -> dict, or None to hide
            order=ORDER["posts"],
        )
    )

``official`` is the member whose page it is, with ``verified_mandates`` (their verified
mandates, territory loaded) and ``institutions`` (the verified institutions whose team they
belong to, commune loaded): no query needed to read them. ``user`` is the viewer, possibly
anonymous. Same contract as the territory pages (``parvis.territories.portal``): one or two
queries with a ``LIMIT``, ``see_all_url`` in the returned dict for the "see all" link.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.core.sections import Section, SectionRegistry
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER as PORTAL_ORDER
from parvis.territories.portal import SECTION_LIMIT, PortalSection, portal_sections

from . import selectors

#: A section of an official's page: ``OfficialSection(key, title, template, context, order)``.
OfficialSection = Section

#: The registry of the official pages' sections.
official_sections = SectionRegistry("official page")

#: Where each capability's section goes on an official's page (smaller first).
ORDER = {
    "posts": 10,
    "events": 20,
    "contributions": 30,
    "consultations": 40,
}


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


def register():
    portal_sections.register(
        PortalSection(
            key="officials",
            title=_("Elected officials"),
            template="officials/sections/territory_officials.html",
            context=territory_officials,
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
