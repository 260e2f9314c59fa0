"""Template pieces other pages include: the follow button and short lists of posts.

    {% load news_tags %}
    {% follow_button commune %}            {# a territory, an organisation or an official #}
    {% territory_posts commune %}          {# the posts aimed at a territory (portal pages) #}
    {% organisation_posts organisation %}  {# an organisation's latest posts #}
    {% official_posts member %}            {# the posts an official published in their name #}

Each costs a fixed number of queries (one for the button, two for a list).
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User, VerificationStatus
from parvis.groups.models import Group, Thread
from parvis.organisations.models import Organisation
from parvis.territories.models import Territory

from ..models import Follow
from ..selectors import posts_by_official, posts_by_organisation, posts_for_territory
from ..text import plain_summary

register = template.Library()

SECTION_LIMIT = 5


@register.filter
def post_summary(post, words=30):
    """The post's text as plain words, for cards."""
    return plain_summary(post, words=int(words))


def _follow_kind(target):
    if isinstance(target, Territory):
        return "territoire", "territory"
    if isinstance(target, Organisation):
        return "organisation", "organisation"
    if isinstance(target, User):
        return "membre", "followed_user"
    if isinstance(target, Group):
        return "groupe", "group"
    if isinstance(target, Thread):
        return "discussion", "thread"
    return None, None


@register.inclusion_tag("news/_follow_button.html", takes_context=True)
def follow_button(context, target, official=None, following=None):
    """The one "Follow" / "Unfollow" control (a form button, no JavaScript) for a territory,
    an organisation, a member, a group or a discussion; a visitor gets a link to log in.
    Nothing for what cannot be followed (an organisation not verified, a member who does not
    allow it and is not a verified official).
    Pass ``official=True`` and ``following`` when the page already knows them, to save the
    queries."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    next_url = request.get_full_path() if request is not None else ""
    return follow_button_context(target, user, next_url, official=official, following=following)


def follow_button_context(target, user, next_url, *, official=None, following=None):
    """What ``news/_follow_button.html`` needs (the tag above, and the view's htmx answer)."""
    kind, field = _follow_kind(target)
    shown = kind is not None and getattr(target, "pk", None) is not None
    if isinstance(target, Organisation):
        shown = shown and target.is_verified
    if isinstance(target, User) and shown:
        if not target.allow_follows and official is None:
            official = target.mandates.filter(status=VerificationStatus.VERIFIED).exists()
        shown = (target.allow_follows or bool(official)) and not (
            user is not None and user.pk == target.pk
        )
    if not (shown and user is not None and user.is_authenticated):
        following = False
    elif following is None:
        following = Follow.objects.filter(user=user, **{field: target}).exists()
    return {
        "shown": shown,
        "target": target,
        "kind": kind,
        "following": following,
        "user": user,
        "next": next_url,
        "login_url": reverse("account_login") + (f"?next={next_url}" if next_url else ""),
    }


def _posts_context(posts, *, title, more_url, limit, empty):
    posts = list(posts[: int(limit) + 1])
    return {
        "posts": posts[: int(limit)],
        "has_more": len(posts) > int(limit),
        "title": title,
        "more_url": more_url,
        "empty": empty,
    }


@register.inclusion_tag("news/_posts_section.html")
def territory_posts(territory, limit=SECTION_LIMIT):
    """The latest posts aimed at ``territory`` (see ``selectors.posts_for_territory``)."""
    more_url = reverse("news:index")
    if territory.kind == "commune":
        more_url += f"?commune={territory.code}"
    return _posts_context(
        posts_for_territory(territory),
        title=_("Targeted information"),
        more_url=more_url,
        limit=limit,
        empty=_("No information aimed at this territory for now."),
    )


@register.inclusion_tag("news/_posts_section.html")
def organisation_posts(organisation, limit=SECTION_LIMIT):
    return _posts_context(
        posts_by_organisation(organisation),
        title=_("Information"),
        more_url="",
        limit=limit,
        empty=_("No information published for now."),
    )


@register.inclusion_tag("news/_posts_section.html")
def official_posts(official, limit=SECTION_LIMIT):
    return _posts_context(
        posts_by_official(official),
        title=_("Posts"),
        more_url="",
        limit=limit,
        empty=_("No post published for now."),
    )
