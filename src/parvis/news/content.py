"""What the platform knows about information posts, declared once (see
``parvis.core.content``): how a post is reported, the sections it fills ("Targeted
information" on the territory pages, "Posts" on the elected officials' pages, the home page's
block), the notification kinds (``notifications.py``) and what a member's data export and
erasure do with their posts and follows.

Each section runs at most two queries: the posts (with a ``LIMIT``) and, for a member, whether
they follow the territory or the official (for the follow button the section shows).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.core.home import ORDER as HOME_ORDER
from parvis.core.home import HomeBlock, home_blocks
from parvis.moderation import registry as moderation
from parvis.officials.sections import ORDER as OFFICIAL_ORDER
from parvis.officials.sections import OfficialSection, official_sections
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, PortalSection, portal_sections

from . import notifications  # noqa: F401  (the notification kinds)
from .models import Follow, Post
from .selectors import (
    latest_for,
    managed_filter,
    post_is_visible_to,
    posts_by_official,
    posts_for_territory,
    user_manages_post,
)

#: Posts a section shows before its "see all" link.
SECTION_LIMIT = 5
#: Posts the home page shows.
HOME_POSTS = 4

# --- moderation -------------------------------------------------------------------------------

moderation.register(
    Post,
    label=_("information post"),
    author=lambda post: post.author,
    author_field="author",
    # Its team (the official, or the organisation's managers and editors) runs it.
    is_author=lambda post, user: user_manages_post(user, post),
    author_filter=managed_filter,
    is_visible_to=post_is_visible_to,
    template="moderation/items/post.html",
    select_related=("author", "organisation", "category"),
)


# --- pages ------------------------------------------------------------------------------------


def _follows(user, **target):
    return user.is_authenticated and Follow.objects.filter(user=user, **target).exists()


def feed_url_for(territory):
    """The feed page showing the information of ``territory``."""
    url = reverse("news:index")
    if territory.kind == TerritoryKind.DEPARTEMENT:
        return url
    return f"{url}?{territory.kind}={territory.code}"


def portal_news(territory, user):
    """A territory page's "Targeted information": the posts aimed at it in particular (see
    ``selectors.posts_for_territory``), the follow button and the RSS feed of a commune."""
    posts = list(posts_for_territory(territory, with_audience=False)[:SECTION_LIMIT])
    is_commune = territory.kind == TerritoryKind.COMMUNE
    return {
        "posts": posts,
        "following": _follows(user, territory=territory),
        "can_follow": territory.kind != TerritoryKind.DEPARTEMENT,
        "rss_url": reverse("news:commune_rss", kwargs={"insee": territory.code})
        if is_commune
        else "",
        "see_all_url": feed_url_for(territory),
    }


def official_posts(official, user):
    """An official's page "Posts": what they published in their own name (newest first)."""
    posts = list(posts_by_official(official, with_audience=False)[:SECTION_LIMIT])
    return {
        "posts": posts,
        "following": _follows(user, followed_user=official),
        "see_all_url": "",
    }


portal_sections.register(
    PortalSection(
        key="news",
        title=_("Targeted information"),
        template="news/_portal_section.html",
        context=portal_news,
        order=ORDER["news"],
        see_all_label=_("See all the information"),
    )
)
official_sections.register(
    OfficialSection(
        key="posts",
        title=_("Posts"),
        template="news/_official_section.html",
        context=official_posts,
        order=OFFICIAL_ORDER["posts"],
    )
)
home_blocks.register(
    HomeBlock(
        key="news",
        template="news/_home_block.html",
        context=lambda user: {"latest_posts": latest_for(user, HOME_POSTS)},
        order=HOME_ORDER["news"],
        shows=("news",),
    )
)
