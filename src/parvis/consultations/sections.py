"""The consultations' sections of the territory pages ("Open consultations") and of the
elected officials' pages ("Consultations of their institution"); see ``parvis.core.sections``.
Each costs one query with a ``LIMIT``."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.territories.models import TerritoryKind

from .selectors import consultations_of_organisations, open_in_territory

#: Items shown by a section before its "see all" link (the portal's own limit when present).
DEFAULT_LIMIT = 6


def _limit():
    try:
        from parvis.territories.portal import SECTION_LIMIT
    except ImportError:  # pragma: no cover - the portal is part of the project
        return DEFAULT_LIMIT
    return SECTION_LIMIT


def portal_consultations(territory, user):
    """A territory page's "Open consultations": those its residents may answer (a commune),
    or those aimed at it, at what contains it or at one of its communes."""
    query = {"etat": "ouvertes"}
    if territory.kind == TerritoryKind.COMMUNE:
        query["commune"] = territory.code
    return {
        "consultations": open_in_territory(territory, limit=_limit()),
        "territory": territory,
        "see_all_url": f"{reverse('consultations:index')}?{urlencode(query)}",
    }


def official_consultations(official, user):
    """An official's page: the consultations of the institutions they belong to (newest
    first); hidden when they belong to none."""
    institutions = list(getattr(official, "institutions", None) or [])
    if not institutions:
        return None
    see_all = ""
    if len(institutions) == 1:
        see_all = (
            f"{reverse('consultations:index')}?{urlencode({'institution': institutions[0].slug})}"
        )
    return {
        "consultations": consultations_of_organisations(institutions, limit=_limit()),
        "see_all_url": see_all,
    }


def register():
    """Add the sections to the registries that exist (called by ``AppConfig.ready``)."""
    from django.apps import apps

    if apps.is_installed("parvis.territories"):
        try:
            from parvis.territories.portal import ORDER, PortalSection, portal_sections
        except ImportError:  # pragma: no cover - the portal is part of the project
            pass
        else:
            portal_sections.register(
                PortalSection(
                    key="consultations",
                    title=_("Open consultations"),
                    template="consultations/_portal_section.html",
                    context=portal_consultations,
                    order=ORDER.get("consultations", 40),
                    see_all_label=_("See all the consultations"),
                )
            )
    if apps.is_installed("parvis.officials"):
        from parvis.officials.sections import ORDER as OFFICIAL_ORDER
        from parvis.officials.sections import OfficialSection, official_sections

        official_sections.register(
            OfficialSection(
                key="consultations",
                title=_("Consultations of their institution"),
                template="consultations/_official_section.html",
                context=official_consultations,
                order=OFFICIAL_ORDER.get("consultations", 40),
                see_all_label=_("See all the consultations"),
            )
        )
