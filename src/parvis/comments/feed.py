"""The comments' part of the member's feed (``parvis.core.feed``): the comments of the
members they follow (one query with a LIMIT, none when they follow no member), and the
reactions' counts of a page's items (one query, ``reaction_counts``)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from parvis.core.feed import FeedItem, older_than
from parvis.moderation.selectors import exclude_hidden
from parvis.news.selectors import following_of

from .models import Comment, Reaction

EXCERPT_WORDS = 40


def comments_of_followed_members(user, before, limit):
    following = following_of(user, remember=True)
    if not following.user_ids:
        return []
    comments = (
        exclude_hidden(
            Comment.objects.filter(
                author_id__in=sorted(following.user_ids),
                deleted_at__isnull=True,
                **older_than(before, "created_at"),
            )
        )
        .select_related("author")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        FeedItem(
            key=f"comments.comment:{comment.pk}",
            when=comment.created_at,
            actor=comment.author,
            actor_url=comment.author.get_absolute_url(),
            context=_("commented"),
            title="",
            url=reverse("comments:goto", kwargs={"pk": comment.pk}),
            excerpt=Truncator(comment.body).words(EXCERPT_WORDS),
            reactable=True,
        )
        for comment in comments
    ]


def reaction_counts(items):
    """Set ``reactions`` on the items that take reactions (one query)."""
    keys = [item.key for item in items if item.reactable]
    if not keys:
        return
    counts = dict(
        Reaction.objects.filter(target__in=keys)
        .values_list("target")
        .annotate(count=Count("pk"))
        .values_list("target", "count")
    )
    for item in items:
        if item.reactable:
            item.reactions = counts.get(item.key, 0)
