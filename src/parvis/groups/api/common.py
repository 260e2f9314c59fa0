"""What the groups' API modules share: finding the group of a URL as the caller may see it,
the search words of a query string, and the OpenAPI parameters of the routes."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions

from parvis.moderation.selectors import hidden_from

from .. import search
from ..selectors import group_content_is_readable_by, group_for_page, group_is_visible_to

#: Longest search text accepted (as on the pages).
SEARCH_MAX_LENGTH = 100
TRUE_VALUES = {"1", "true", "yes", "on"}


def listed_group(user, slug):
    """The group ``slug`` if ``user`` may find it (not deleted, or a site moderator)."""
    group = group_for_page(slug)
    if group is None or not group_is_visible_to(group, user):
        raise exceptions.NotFound()
    if hidden_from(group, user):  # hidden by moderation: only for its team and the staff
        raise exceptions.NotFound()
    return group


def readable_group(user, slug):
    """The group ``slug`` if ``user`` may read its content; 404 otherwise."""
    group = listed_group(user, slug)
    if not group_content_is_readable_by(group, user):
        raise exceptions.NotFound()
    return group


def search_words(params):
    text = params.get("q", "")
    if len(text) > SEARCH_MAX_LENGTH:
        raise exceptions.ValidationError(
            {"q": [_("Type %(max)d characters at most.") % {"max": SEARCH_MAX_LENGTH}]}
        )
    return search.search_words(text)


GROUP_SLUG = OpenApiParameter(
    "group_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The group's slug."
)
OBJECT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
THREAD_PK = OpenApiParameter(
    "thread_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The discussion's id."
)
SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        required=True,
        description="Words to look for (French stemming, accents ignored; each word as a "
        "prefix, all required).",
    ),
    OpenApiParameter(
        "group",
        OpenApiTypes.STR,
        description="Slug of a group whose discussions the caller may read: search it only.",
    ),
]
NOT_FOUND = OpenApiResponse(
    description="No such group or discussion, or the caller may not read it."
)


def int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
