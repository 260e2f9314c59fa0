"""The sections the territory pages show from the existing apps: upcoming events, associations
and institutions. Registered by ``TerritoriesConfig.ready()`` like any other app's section
(see ``portal.py``)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TerritoryKind
from .portal import ORDER, SECTION_LIMIT, PortalSection, portal_sections
from .selectors import commune_in


def _url(name, **params):
    params = {key: value for key, value in params.items() if value}
    return reverse(name) + (f"?{urlencode(params)}" if params else "")


def agenda_filter_params(territory):
    """The agenda's query-string filter for events in ``territory`` (see agenda/filters.py)."""
    if territory.kind == TerritoryKind.DEPARTEMENT:
        return {}
    return {territory.kind: territory.code}


def upcoming_events(territory, user):
    """The next public dates of events taking place in ``territory`` (one query)."""
    from parvis.agenda.filters import AgendaFilters, filter_occurrences, local_midnight
    from parvis.agenda.selectors import public_occurrences

    now = timezone.now()
    # The whole département: no filter; otherwise AgendaFilters(commune=...), (epci=...)...
    by_kind = {} if territory.kind == TerritoryKind.DEPARTEMENT else {territory.kind: territory}
    filters = AgendaFilters(**by_kind)
    occurrences = filter_occurrences(public_occurrences(), filters).filter(
        start__gte=local_midnight(timezone.localdate(now)), end__gte=now
    )
    feed_url = ""
    if territory.kind == TerritoryKind.COMMUNE:
        feed_url = reverse("agenda:commune_feed", kwargs={"insee": territory.code})
    return {
        "occurrences": list(occurrences.order_by("start", "pk")[:SECTION_LIMIT]),
        "feed_url": feed_url,
        "see_all_url": _url("agenda:index", **agenda_filter_params(territory)),
    }


def directory_filter_params(territory):
    """The directory's query-string filter for ``territory`` (see directory/forms.py)."""
    if territory.kind == TerritoryKind.DEPARTEMENT:
        return {}
    return {territory.kind: territory.pk}


def _organisations(territory, user, kind, directory_type):
    from parvis.organisations.selectors import organisation_list

    organisations = organisation_list(user).filter(commune_in("commune", territory), kind=kind)
    return {
        "organisations": list(organisations[:SECTION_LIMIT]),
        "see_all_url": _url(
            "directory:index", type=directory_type, **directory_filter_params(territory)
        ),
    }


def associations(territory, user):
    """Verified associations based in ``territory``, by name (one query)."""
    from parvis.organisations.models import OrganisationKind

    return _organisations(territory, user, OrganisationKind.ASSOCIATION, "associations")


def institutions(territory, user):
    """Verified institutions (town hall, public services) based in ``territory``."""
    from parvis.organisations.models import OrganisationKind

    return _organisations(territory, user, OrganisationKind.INSTITUTION, "institutions")


def register():
    portal_sections.register(
        PortalSection(
            key="events",
            title=_("Upcoming events"),
            template="territories/sections/events.html",
            context=upcoming_events,
            order=ORDER["events"],
            see_all_label=_("See all the events"),
        )
    )
    portal_sections.register(
        PortalSection(
            key="associations",
            title=_("Associations"),
            template="territories/sections/organisations.html",
            context=associations,
            order=ORDER["associations"],
            see_all_label=_("See all the associations"),
        )
    )
    portal_sections.register(
        PortalSection(
            key="institutions",
            title=_("Institutions"),
            template="territories/sections/organisations.html",
            context=institutions,
            order=ORDER["institutions"],
            see_all_label=_("See all the institutions"),
        )
    )
