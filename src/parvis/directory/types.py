"""The registry of directory types: one tab each.

A type names its selector (visibility and shape), how it is filtered by territory and searched,
its ordering and the partial that renders one entry. Adding a type (groups, later) is one more
``DirectoryType`` in ``DIRECTORY_TYPES``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import search, selectors


@dataclass(frozen=True)
class ChoiceFilter:
    """An extra filter of one directory type (a select in the search form), e.g. the theme
    of groups: ``to_q(value)`` narrows the entries to the chosen value."""

    name: str
    label: Promise
    empty_label: Promise
    choices: Callable  # () -> [(value, label)]
    to_q: Callable  # (value) -> Q


@dataclass(frozen=True)
class DirectoryType:
    slug: str
    label: Promise
    description: Promise
    select: Callable  # (user) -> QuerySet shaped for ``template``
    territory_filter: Callable  # (territory) -> Q
    search_vector: Callable  # () -> SearchVector, the indexed expression
    fallback_fields: tuple[str, ...]
    ordering: tuple[str, ...]
    template: str  # renders ``entry``
    choice_filters: tuple[ChoiceFilter, ...] = ()
    #: The collections the tab lists, for the page cache (``parvis.core.pagecache``).
    page_cache_tags: tuple[str, ...] = ()


def _based_in(territory):
    return selectors.in_territory("commune", territory)


def _groups():
    from parvis.groups.directory import directory_type

    return directory_type(DirectoryType, ChoiceFilter)


_MEMBER_SEARCH = {
    "search_vector": search.member_vector,
    "fallback_fields": ("first_name", "last_name"),
    "ordering": ("last_name", "first_name", "pk"),
}
_ORGANISATION_SEARCH = {
    "search_vector": search.organisation_vector,
    "fallback_fields": ("name", "description"),
    "ordering": ("name", "pk"),
}

DIRECTORY_TYPES = {
    directory_type.slug: directory_type
    for directory_type in (
        DirectoryType(
            slug="residents",
            label=_("Residents"),
            description=_("Members who chose to appear in the directory."),
            select=selectors.directory_residents,
            territory_filter=_based_in,
            template="directory/_member.html",
            **_MEMBER_SEARCH,
            page_cache_tags=("accounts.user",),
        ),
        DirectoryType(
            slug="associations",
            label=_("Associations"),
            description=_("Sports, culture, solidarity: the associations of the territory."),
            select=selectors.directory_associations,
            territory_filter=_based_in,
            template="directory/_organisation.html",
            **_ORGANISATION_SEARCH,
            page_cache_tags=("organisations.organisation",),
        ),
        DirectoryType(
            slug="officials",
            label=_("Elected officials"),
            description=_("Mayors, councillors and presidents whose mandate is verified."),
            select=selectors.directory_officials,
            territory_filter=selectors.official_in_territory,
            template="directory/_official.html",
            **_MEMBER_SEARCH,
            page_cache_tags=("accounts.mandate", "accounts.user"),
        ),
        DirectoryType(
            slug="institutions",
            label=_("Institutions"),
            description=_("The departmental council, town halls and public services."),
            select=selectors.directory_institutions,
            territory_filter=_based_in,
            template="directory/_organisation.html",
            **_ORGANISATION_SEARCH,
            page_cache_tags=("organisations.organisation",),
        ),
        _groups(),
    )
}

# Associations are public, so a visitor's first look at the directory is never empty (most
# residents open their profile to members only).
DEFAULT_TYPE = "associations"
