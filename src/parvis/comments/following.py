"""The home page's "Activity of what you follow": the latest messages of the members, groups
and discussions a member follows (in the groups they may read), and the latest comments of
the members they follow, newest first.

The member's follows are read once per request (``news.selectors.following_of`` with
``remember``, shared with the news block): a member who follows no member, group or
discussion costs no query here; otherwise one query for the messages, and one more for the
comments when they follow members.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator

from parvis.groups.models import GroupStatus
from parvis.groups.selectors import messages_visible_to
from parvis.moderation.selectors import exclude_hidden
from parvis.news.selectors import following_of

from .models import Comment

HOME_LIMIT = 6


@dataclass(frozen=True)
class Entry:
    kind: str  # "message" or "comment"
    when: datetime
    actor: object
    title: str
    place: str
    url: str
    excerpt: str


def followed_activity(user, limit=HOME_LIMIT):
    if not user.is_authenticated:
        return None
    following = following_of(user, remember=True)
    if not (following.user_ids or following.group_ids or following.thread_ids):
        return {"entries": [], "follows_anything": bool(following)}
    condition = (
        Q(author_id__in=following.user_ids)
        | Q(thread_id__in=following.thread_ids)
        | Q(thread__group_id__in=following.group_ids)
    )
    messages = (
        messages_visible_to(user)
        .filter(condition, deleted_at__isnull=True)
        .exclude(author=user)
        .exclude(thread__group__status=GroupStatus.DELETED)
        .select_related("author", "thread", "thread__group")
        .order_by("-created_at", "-pk")[:limit]
    )
    entries = [
        Entry(
            kind="message",
            when=message.created_at,
            actor=message.author,
            title=message.thread.title,
            place=message.thread.group.name,
            url=message.get_absolute_url(),
            excerpt=Truncator(message.body).words(25),
        )
        for message in messages
    ]
    if following.user_ids:
        comments = (
            exclude_hidden(
                Comment.objects.filter(author_id__in=following.user_ids, deleted_at__isnull=True)
            )
            .select_related("author")
            .order_by("-created_at", "-pk")[:limit]
        )
        entries += [
            Entry(
                kind="comment",
                when=comment.created_at,
                actor=comment.author,
                title="",
                place="",
                url=reverse("comments:goto", kwargs={"pk": comment.pk}),
                excerpt=Truncator(comment.body).words(25),
            )
            for comment in comments
        ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return {"entries": entries[:limit], "follows_anything": True}
