"""Groups as a directory type (``parvis.directory.types``): searchable by name and
description, filterable by territory and theme. Private groups are listed (name and
description are public); deleted ones are not."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import search
from .models import GroupStatus, Theme
from .selectors import groups_visible_to, in_territory


def directory_groups(user):
    return (
        groups_visible_to(user)
        .filter(status__in=(GroupStatus.ACTIVE, GroupStatus.CLOSED))
        .select_related("territory", "organisation")
    )


def directory_type(DirectoryType, ChoiceFilter):  # noqa: N803 - classes passed in
    return DirectoryType(
        slug="groups",
        label=_("Groups"),
        description=_("Discussion groups of residents, associations and officials."),
        select=directory_groups,
        territory_filter=in_territory,
        search_vector=search.group_vector,
        fallback_fields=("name", "description"),
        ordering=("name", "pk"),
        template="groups/_directory_group.html",
        page_cache_tags=("groups.group",),
        choice_filters=(
            ChoiceFilter(
                name="theme",
                label=_("Theme"),
                empty_label=_("All themes"),
                choices=lambda: Theme.choices,
                to_q=lambda value: Q(theme=value),
            ),
        ),
    )
