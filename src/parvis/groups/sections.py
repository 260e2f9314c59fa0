"""The sections the groups app adds to other pages: "Groups" on the territory pages
(``parvis.territories.portal``) and "Contributions in groups" on the elected officials' pages
(``parvis.officials.sections``). Registered by ``GroupsConfig.ready()``; one query each, with
a ``LIMIT``."""

from urllib.parse import urlencode

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.territories.models import TerritoryKind

from .models import Visibility
from .selectors import group_list, in_territory, messages_visible_to

SECTION_LIMIT = 6


def portal_groups(territory, user):
    """The groups of a territory (attached to it or to a territory inside it), most active
    first."""
    groups = list(group_list(user).filter(in_territory(territory))[:SECTION_LIMIT])
    url = reverse("groups:index")
    if territory.kind in (TerritoryKind.COMMUNE, TerritoryKind.EPCI):
        url += "?" + urlencode({territory.kind: territory.pk})
    return {"groups": groups, "see_all_url": url}


def official_contributions(official, user):
    """An official's latest messages in *public* groups the viewer may read (never a private
    group's, even to a fellow member: the page is public)."""
    contributions = list(
        messages_visible_to(user)
        .filter(
            author=official,
            deleted_at__isnull=True,
            thread__group__visibility=Visibility.PUBLIC,
        )
        .select_related("thread", "thread__group")
        .order_by("-created_at", "-pk")[:SECTION_LIMIT]
    )
    return {"contributions": contributions, "see_all_url": ""}


def register():
    from parvis.territories.portal import ORDER, PortalSection, portal_sections

    portal_sections.register(
        PortalSection(
            key="groups",
            title=_("Groups"),
            template="groups/_portal_section.html",
            context=portal_groups,
            order=ORDER.get("groups", 50),
            see_all_label=_("See all the groups"),
        )
    )
    if apps.is_installed("parvis.officials"):
        from parvis.officials.sections import ORDER as OFFICIAL_ORDER
        from parvis.officials.sections import OfficialSection, official_sections

        official_sections.register(
            OfficialSection(
                key="contributions",
                title=_("Contributions in groups"),
                template="groups/_official_section.html",
                context=official_contributions,
                order=OFFICIAL_ORDER.get("contributions", 30),
            )
        )
