"""What the news tell: a post announced to the members it concerns, once, when it goes live.

``services`` record a ``news.post_published`` activity when a post is published (live now, or
scheduled: due at its publication date) or its publication date changes; a notifications
worker tells it when it is due (``notifications.activities``). The activities of one post
share a batch key: told together, once. The handler decides then: nothing for a post no
longer published, expired, announced already, or whose publication is more than
``ANNOUNCE_WINDOW`` old (no stale news); later for a post whose date moved or that the
moderators hide for now. The fan-out writes the notifications by batches of 1,000 members
(``notify_in_batches``, idempotent), so a post for the whole département never holds one huge
transaction; the type's default delivery is the daily digest.
"""

import datetime as dt

from django.utils import timezone

from parvis.moderation.selectors import annotate_hidden
from parvis.notifications.activities import Notice, Postpone, activity_kind, activity_record
from parvis.territories.selectors import audience_text

from .models import Post, PostStatus
from .selectors import announcement_recipients

KIND = "news.post_published"
#: A post published longer ago than this is never announced (a fan-out that could not run
#: for days does not send stale news).
ANNOUNCE_WINDOW = dt.timedelta(days=2)
#: A live post hidden by the moderators is looked at again this often, within the window
#: (restored, it is announced).
HIDDEN_RECHECK = dt.timedelta(minutes=15)


def post_announce(*, post: Post) -> None:
    """In the service's transaction: announce ``post`` when it goes live, if it is published
    and was never announced (a post published again is not announced twice)."""
    if post.status == PostStatus.PUBLISHED and post.announced_at is None:
        activity_record(
            kind=KIND,
            actor=post.author,
            target=post,
            due_at=post.publish_at,
            batch_key=f"{KIND}:{post.pk}",
        )


def _mark_announced(activity) -> None:
    Post.objects.filter(pk=activity.target_id, announced_at__isnull=True).update(
        announced_at=timezone.now()
    )


@activity_kind(KIND, done=_mark_announced)
def post_published(activity):
    """The members a live post concerns (``selectors.announcement_recipients``)."""
    post = (
        annotate_hidden(Post.objects.filter(pk=activity.target_id))
        .select_related("organisation", "author")
        .first()
    )
    now = timezone.now()
    if post is None or post.announced_at is not None or post.status != PostStatus.PUBLISHED:
        return None
    if post.publish_at > now:
        return Postpone(until=post.publish_at)
    stale = post.publish_at + ANNOUNCE_WINDOW
    if not post.is_live(now) or stale < now:
        return None
    if post.moderation_hidden:
        return Postpone(until=now + HIDDEN_RECHECK) if now + HIDDEN_RECHECK < stale else None
    return Notice(
        type_key="news.published_in_my_commune",
        recipients=announcement_recipients(post),
        target=post,
        actor=post.author,
        context={
            "title": post.title,
            "publisher": post.publisher_name,
            "audience": audience_text(post),
        },
        batched=True,
    )
