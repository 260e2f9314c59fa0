"""Celery tasks of the news: announcing a post to the members it concerns.

A post is announced once, when it goes live: ``post_announce`` is queued after the commit of
its publication (``services``), and the periodic ``posts_announce_due`` (beat) queues the
posts whose scheduled publication date has come, and those whose task never reached the
broker. The fan-out writes the notifications by batches of 1,000 members
(``notify_in_batches``, idempotent), so a post for the whole département — every member —
never holds one huge transaction nor puts one task per member on the queue; the type's default
delivery is the daily digest, so those members get one e-mail a day at most.
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from parvis.moderation.selectors import annotate_hidden
from parvis.notifications.selectors import CACHE_ERRORS
from parvis.notifications.services import notify_in_batches
from parvis.notifications.tasks import publish
from parvis.territories.models import Territory, TerritoryKind

from .models import Post
from .selectors import announcement_recipients, posts_to_announce

logger = logging.getLogger(__name__)

#: Posts queued by one run of the periodic task.
DUE_LIMIT = 100
#: A post still not announced this long after the periodic task queued it is queued again.
REQUEUE_AFTER = dt.timedelta(minutes=30)


def queue_announce(post_id: int) -> None:
    """After the commit of a publication: announce the post (the periodic task catches up
    if the broker is down)."""
    publish(post_announce, args=(post_id,))


def _audience_text(post) -> str:
    names = list(post.audience.order_by("kind", "name").values_list("name", flat=True)[:6])
    if not names:
        names = list(
            Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT).values_list("name", flat=True)
        )
    return ", ".join(names[:5]) + (", …" if len(names) > 5 else "")


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def post_announce(post_id: int) -> int:
    """Notify the members a live post concerns (``selectors.announcement_recipients``), once;
    returns the number of notifications written. Nothing for a post that is not live (any
    more), is hidden by the moderators, or was announced already."""
    post = (
        annotate_hidden(Post.objects.filter(pk=post_id, announced_at__isnull=True))
        .select_related("organisation", "author")
        .first()
    )
    if post is None or not post.is_live() or post.moderation_hidden:
        return 0
    written = notify_in_batches(
        recipients=announcement_recipients(post),
        type_key="news.published_in_my_commune",
        target=post,
        actor=post.author,
        context={
            "title": post.title,
            "publisher": post.publisher_name,
            "audience": _audience_text(post),
        },
    )
    Post.objects.filter(pk=post.pk, announced_at__isnull=True).update(announced_at=timezone.now())
    logger.info("Post %s announced to %s members.", post.pk, written)
    return written


def _first_queue(post_id) -> bool:
    try:
        return cache.add(f"news:announce:{post_id}", 1, timeout=int(REQUEUE_AFTER.total_seconds()))
    except CACHE_ERRORS:
        return True


@shared_task(acks_late=True, time_limit=300)
def posts_announce_due(limit: int = DUE_LIMIT) -> int:
    """Periodic (beat): queue the announcement of the live posts not announced yet — their
    scheduled publication date has come, or their task never reached the broker."""
    now = timezone.now()
    grace = dt.timedelta(seconds=settings.PARVIS_OUTBOX_DRAIN_SECONDS)
    due = list(
        posts_to_announce(now)
        .filter(publish_at__lte=now - grace)
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for pk in due:
        if _first_queue(pk):
            post_announce.apply_async(args=(pk,))
            queued += 1
    return queued
