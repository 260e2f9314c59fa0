"""The sections the news app adds to other pages: "Targeted information" on the territory
pages (``parvis.territories.portal``) and "Posts" on the elected officials' pages
(``parvis.officials.sections``). Registered by ``NewsConfig.ready()``.

Each section runs at most two queries: the posts (with a ``LIMIT``) and, for a member, whether
they follow the territory or the official (for the follow button the section shows).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.territories.models import TerritoryKind

from .models import Follow
from .selectors import posts_by_official, posts_for_territory

#: Posts a section shows before its "see all" link.
SECTION_LIMIT = 5


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


def register():
    from django.apps import apps

    from parvis.territories.portal import ORDER, PortalSection, portal_sections

    portal_sections.register(
        PortalSection(
            key="news",
            title=_("Targeted information"),
            template="news/_portal_section.html",
            context=portal_news,
            order=ORDER.get("news", 20),
            see_all_label=_("See all the information"),
        )
    )
    if apps.is_installed("parvis.officials"):
        from parvis.officials.sections import ORDER as OFFICIAL_ORDER
        from parvis.officials.sections import OfficialSection, official_sections

        official_sections.register(
            OfficialSection(
                key="posts",
                title=_("Posts"),
                template="news/_official_section.html",
                context=official_posts,
                order=OFFICIAL_ORDER.get("posts", 10),
            )
        )
