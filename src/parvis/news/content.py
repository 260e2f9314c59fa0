"""What the platform knows about information posts, declared once (see
``parvis.core.content``): how a post is reported, the sections it fills ("Targeted
information" on the territory pages, "Posts" on the elected officials' pages, the home page's
block), the notification and activity kinds (``notifications.py``, ``activities.py``) and what
a member's data export and erasure do with their posts and follows.

Each section runs at most two queries: the posts (with a ``LIMIT``) and, for a member, whether
they follow the territory or the official (for the follow button the section shows).
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.accounts.profile import profile_extras
from parvis.core import pagecache
from parvis.core.feed import FeedSource, feed_sources
from parvis.core.home import ORDER as HOME_ORDER
from parvis.core.home import HomeBlock, home_blocks
from parvis.core.images import delete_files_with
from parvis.core.onboarding import Step, onboarding_steps
from parvis.moderation import registry as moderation
from parvis.moderation.weighing import is_verified_official
from parvis.officials.sections import ORDER as OFFICIAL_ORDER
from parvis.officials.sections import OfficialSection, official_sections
from parvis.organisations.sections import ORDER as ORGANISATION_ORDER
from parvis.organisations.sections import OrganisationSection, organisation_sections
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import STAFF_WORK
from parvis.privacy.registry import CONTRIBUTIONS, CUSTOM, DELETE, KEEP
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, PortalSection, portal_sections

from . import (  # noqa: F401  (the notification and activity kinds)
    activities,
    notifications,
    search_provider,  # noqa: F401  (its types in the search box: parvis.core.search)
)
from .feed import posts as feed_posts_items
from .models import Follow, Post, PostStatus
from .selectors import (
    following_of,
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


def _post_has_verified_source(post):
    if post.organisation_id is not None:
        organisation = post.organisation
        return organisation.kind == "institution" and organisation.is_verified
    return is_verified_official(post.author)


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
    # A verified institution's or official's post: reports send it to review, never hide it.
    verified_source=_post_has_verified_source,
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
        tags=lambda territory: ["news.post"],  # aimed at audiences: any territory may see it
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
        tags=("news.post",),
    )
)

# --- personal data (parvis.privacy.registry) ------------------------------------------------


def own_posts(member, closed_organisation_ids):
    """Posts that are the member's own (not those of an organisation that goes on)."""
    return Post.objects.filter(author=member).filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=closed_organisation_ids)
    )


@privacy.plan_step(order=CONTRIBUTIONS)
def _plan_posts(plan):
    """How many posts the member would delete with their contributions."""
    plan.counts["posts"] = own_posts(plan.member, plan.closed_organisation_ids).count()


def _posts(context):
    """Kept (the publisher reads "former member" for an official's post), or deleted at the
    member's choice — except an organisation's posts, when the organisation goes on."""
    if not context.delete_contributions:
        return
    deleted = 0
    for post in own_posts(context.member, context.plan.closed_organisation_ids):
        context.forget_file(post.image)
        post.audience.clear()
        post.delete()
        deleted += 1
    context.count("news.Post.author (deleted)", deleted)


privacy.export(
    "news.Post.author",
    section="posts",
    fields=(
        "title",
        "body",
        "category",
        "organisation",
        "status",
        "publish_at",
        "expires_at",
        "image",
        "image_alt",
        "audience",
        "moderation_reason",
        "created_at",
        ("url", lambda row: row.get_absolute_url()),
    ),
    files=("image",),
    queryset=lambda member: (
        Post.objects.filter(author=member)
        .select_related("category", "organisation")
        .prefetch_related("audience")
        .order_by("created_at", "pk")
    ),
)
privacy.erase("news.Post.author", action=CUSTOM, handler=_posts)
privacy.not_exported("news.Post.unpublished_by", reason=STAFF_WORK)
privacy.erase("news.Post.unpublished_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "news.Follow.user",
    section="follows",
    fields=(
        "territory",
        "organisation",
        ("member", lambda row: row.followed_user),
        "group",
        ("discussion", lambda row: row.thread.title if row.thread_id else None),
        "created_at",
    ),
    queryset=lambda member: Follow.objects.filter(user=member).select_related(
        "territory", "organisation", "followed_user", "group", "thread"
    ),
)
privacy.erase("news.Follow.user", action=DELETE)
privacy.not_exported(
    "news.Follow.followed_user",
    reason="Who follows the member is each follower's data (their page shows only a count).",
)
privacy.erase("news.Follow.followed_user", action=DELETE)


# --- page cache --------------------------------------------------------------------------------
pagecache.declare(
    Post,
    scopes={"author": "author", "organisation": "organisation"},
    listed_if={"status": PostStatus.PUBLISHED},
    # A post is published and expires by itself: the lists showing posts change then.
    times=("publish_at", "expires_at"),
    scheduled=True,
)


def organisation_posts(organisation, user):
    """An organisation page's "News": what it published, newest first (one query), and the
    follow button."""
    from .selectors import posts_by_organisation

    posts = list(posts_by_organisation(organisation, with_audience=False)[:SECTION_LIMIT])
    return {"posts": posts, "following": _follows(user, organisation=organisation)}


organisation_sections.register(
    OrganisationSection(
        key="posts",
        title=_("News"),
        template="news/_organisation_section.html",
        context=organisation_posts,
        order=ORGANISATION_ORDER["posts"],
    )
)
# --- the "Follow" control on a member's profile (parvis.accounts.profile) ----------------------


def profile_follow(member, viewer):
    """The profile's follow control: shown when the member allows follows (or is a verified
    official) and is not the viewer; one query for a member, none for a visitor."""
    from urllib.parse import urlencode

    shown = (member.allow_follows or bool(getattr(member, "verified_mandates", None))) and not (
        viewer.is_authenticated and viewer.pk == member.pk
    )
    url = member.get_absolute_url()
    return {
        "template": "news/_follow_button.html",
        "shown": shown,
        "kind": "membre",
        "following": shown and _follows(viewer, followed_user=member),
        "next": url,
        "login_url": reverse("account_login") + "?" + urlencode({"next": url}),
    }


profile_extras.register("follow", profile_follow)
# A deleted post's image leaves storage (core.images).
delete_files_with(Post, "image")


# --- the member's feed (parvis.core.feed) ----------------------------------------------------


feed_sources.register(
    FeedSource(key="news", items=feed_posts_items, tags=("news.post", "news.follow"))
)


#: "Follow three things": a commune, an organisation, an official, a member...
FOLLOW_GOAL = 3


def _follow_count(following):
    return sum(
        len(ids)
        for ids in (
            following.territory_ids,
            following.organisation_ids,
            following.user_ids,
            following.group_ids,
            following.thread_ids,
        )
    )


onboarding_steps.register(
    Step(
        key="organisation",
        label=_("Follow an organisation"),
        url=lambda: reverse("organisations:list"),
        done=lambda user: bool(following_of(user, remember=True).organisation_ids),
        order=40,
    )
)
onboarding_steps.register(
    Step(
        key="follows",
        label=_("Follow three things: your commune, an association, an official…"),
        url=lambda: reverse("territories:index"),
        done=lambda user: _follow_count(following_of(user, remember=True)) >= FOLLOW_GOAL,
        order=50,
    )
)
