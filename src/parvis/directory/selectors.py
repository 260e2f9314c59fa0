"""Reads of the directory: who and what a viewer may find, per directory type.

Each function returns a queryset already shaped for its card partial (``select_related``,
``Prefetch``), so a page costs the same number of queries whatever its size.
Members who chose not to appear in the directory (``hidden``) are never listed, whoever looks.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q

from parvis.accounts.models import DirectoryVisibility, Mandate, ProfileKind, VerificationStatus
from parvis.accounts.selectors import members_visible_to
from parvis.organisations.models import OrganisationKind
from parvis.organisations.selectors import organisations_visible_to
from parvis.territories.models import TerritoryKind

from . import search


def _verified_mandates():
    return Mandate.objects.filter(status=VerificationStatus.VERIFIED)


def listed_members(user):
    """Members ``user`` may find in the directory, with their commune."""
    return (
        members_visible_to(user)
        .exclude(directory_visibility=DirectoryVisibility.HIDDEN)
        .select_related("commune")
    )


def directory_residents(user):
    return listed_members(user).filter(kind=ProfileKind.RESIDENT)


def directory_officials(user):
    """Members with at least one verified mandate, carrying only those (``verified_mandates``)."""
    return (
        listed_members(user)
        .filter(Exists(_verified_mandates().filter(user=OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "mandates",
                queryset=_verified_mandates()
                .select_related("territory")
                .order_by("role", "territory__name", "pk"),
                to_attr="verified_mandates",
            )
        )
    )


def directory_organisations(user, kind):
    return organisations_visible_to(user).filter(kind=kind).select_related("commune")


def directory_associations(user):
    return directory_organisations(user, OrganisationKind.ASSOCIATION)


def directory_institutions(user):
    return directory_organisations(user, OrganisationKind.INSTITUTION)


def in_territory(field, territory):
    """``Q`` for rows whose ``field`` (a commune foreign key) lies in ``territory``."""
    if territory.kind == TerritoryKind.COMMUNE:
        return Q(**{field: territory})
    if territory.kind == TerritoryKind.EPCI:
        return Q(**{f"{field}__epci": territory})
    if territory.kind == TerritoryKind.ARRONDISSEMENT:
        return Q(**{f"{field}__arrondissement": territory})
    if territory.kind == TerritoryKind.DEPARTEMENT:
        return Q(**{f"{field}__departement": territory})
    return Q(pk__in=[])


def official_in_territory(territory):
    """Officials living in ``territory`` or holding a verified mandate on it or inside it."""
    mandates = _verified_mandates().filter(
        Q(territory=territory) | in_territory("territory", territory)
    )
    return in_territory("commune", territory) | Q(pk__in=mandates.values("user_id"))


def directory_entries(directory_type, *, user, territories=(), text="", choices=None):
    """The entries of ``directory_type`` ``user`` may see, in every territory of
    ``territories``, with the values ``choices`` of its extra filters ({name: value}) and
    matching every word of ``text``, best matches first then by name."""
    queryset = directory_type.select(user)
    for territory in territories:
        queryset = queryset.filter(directory_type.territory_filter(territory))
    for choice_filter in directory_type.choice_filters:
        value = (choices or {}).get(choice_filter.name)
        if value:
            queryset = queryset.filter(choice_filter.to_q(value))
    words = search.search_words(text)
    queryset = search.search(
        queryset,
        words=words,
        vector=directory_type.search_vector(),
        fallback_fields=directory_type.fallback_fields,
    )
    ordering = list(directory_type.ordering)
    if words and search.full_text_available(queryset):
        ordering.insert(0, "-rank")
    return queryset.order_by(*ordering)
