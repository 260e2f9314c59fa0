"""What the groups put on a member's home page (``parvis.core.home``, ``parvis.core.feed``,
``parvis.core.onboarding``): the messages of their groups in their feed, the composer
("What's new?") above it, "My groups" beside it, and the checklist's "Join a group"."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.core.feed import FeedSource, feed_sources
from parvis.core.home import ORDER as HOME_ORDER
from parvis.core.home import HomeBlock, home_blocks
from parvis.core.onboarding import Step, onboarding_steps
from parvis.moderation.safeguards import posting_allowance

from .feed import group_messages
from .selectors import groups_of

# --- the member's home: their feed and "My groups" ---------------------------------------------


MY_GROUPS = 6

feed_sources.register(
    FeedSource(
        key="groups",
        items=group_messages,
        # Their memberships and follows too: joining a group shows its messages at once.
        tags=("groups.message", "groups.membership", "news.follow"),
    )
)
home_blocks.register(
    HomeBlock(
        key="my_groups",
        template="groups/_home_my_groups.html",
        # Members only: one query with a LIMIT.
        context=lambda user: (
            {"my_groups": list(groups_of(user)[: MY_GROUPS + 1]), "shown": MY_GROUPS}
            if user.is_authenticated
            else None
        ),
        order=HOME_ORDER["my_groups"],
        member_tags=lambda user: ("groups.membership",),
    )
)


def _in_a_group(user):
    from .views.compose import my_active_groups

    return bool(my_active_groups(user))


onboarding_steps.register(
    Step(
        key="group",
        label=_("Join a group"),
        url=lambda: reverse("groups:index"),
        done=_in_a_group,
        order=30,
    )
)


def _composer(user):
    from .views.compose import composer_context

    return composer_context(user) if user.is_authenticated else None


def _composer_key(user):
    from .views.compose import POSTING_KIND

    return (posting_allowance(user, POSTING_KIND),)


# The composer ("What's new?"), above the member's feed: a fragment of the member's own, since
# its groups and the new account's allowance change as the member acts elsewhere. Its groups
# (and their order, by latest activity) are the items it loads, their memberships and their
# activity; the allowance (a counter in the cache, no query) is part of its key, so a post
# shows the new count at once. Its CSRF and one-time form tokens are each request's own.
home_blocks.register(
    HomeBlock(
        key="composer",
        template="groups/_home_composer.html",
        context=_composer,
        order=HOME_ORDER["composer"],
        place="top",
        fragment=_composer_key,
        tags=("groups.membership", pagecache.activity("groups.group")),
    )
)
