"""Reads of the notifications: the centre, the unread count, preferences, the outboxes."""

import datetime as dt
from contextlib import suppress

from django.core.cache import cache
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from redis.exceptions import RedisError

from . import registry
from .models import (
    Activity,
    EmailOutbox,
    Notification,
    NotificationPreference,
    OutboxKind,
    OutboxState,
)
from .registry import Delivery

#: The header shows "99+" beyond this: the count stops there (a capped COUNT).
UNREAD_CAP = 99


def notifications_for(member):
    """The member's notifications, newest first, shaped for the centre (one query a page)."""
    return (
        Notification.objects.filter(recipient=member)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


#: The header's count is cached this long; the services forget it when it changes.
UNREAD_CACHE_SECONDS = 300
#: What the cache raises when Redis is unreachable: the count then comes from the database.
CACHE_ERRORS = (RedisError, OSError)


def unread_cache_key(member_id) -> str:
    return f"notifications:unread:{member_id}"


def unread_count(member) -> int:
    """Unread notifications of ``member`` for the header, counted up to ``UNREAD_CAP + 1``
    (one query over the partial index ``notification_unread``) and cached: most pages cost no
    query for it. ``notify()`` and marking read forget the cached value."""
    key = unread_cache_key(member.pk)
    try:
        count = cache.get(key)
    except CACHE_ERRORS:  # Redis down: the page still shows, with one query
        count = None
    if count is None:
        count = (
            Notification.objects.filter(recipient=member, read_at__isnull=True)
            .order_by()
            .values("pk")[: UNREAD_CAP + 1]
            .count()
        )
        with suppress(CACHE_ERRORS):
            cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def preferences_of(member) -> dict[str, str]:
    """The delivery of every registered type for ``member``: their choice, else the type's
    default."""
    return preferences_of_members([member.pk])[member.pk]


def preferences_of_members(member_ids) -> dict[int, dict[str, str]]:
    """``preferences_of`` for several members at once: ``{member id: {type key: delivery}}``
    (one query)."""
    chosen = {member_id: {} for member_id in member_ids}
    for member_id, key, delivery in NotificationPreference.objects.filter(
        member_id__in=list(chosen)
    ).values_list("member_id", "type_key", "delivery"):
        chosen[member_id][key] = delivery
    types = registry.all_types()
    return {
        member_id: {
            ntype.key: _allowed(ntype, choices.get(ntype.key, ntype.default_delivery))
            for ntype in types
        }
        for member_id, choices in chosen.items()
    }


def deliveries_for(*, member_ids, notification_type) -> dict[int, str]:
    """``{member id: delivery}`` for one type (one query)."""
    chosen = dict(
        NotificationPreference.objects.filter(
            member_id__in=member_ids, type_key=notification_type.key
        ).values_list("member_id", "delivery")
    )
    return {
        member_id: _allowed(
            notification_type, chosen.get(member_id, notification_type.default_delivery)
        )
        for member_id in member_ids
    }


def _allowed(notification_type, delivery):
    if notification_type.email_required and delivery == Delivery.NEVER:
        return Delivery.IMMEDIATE
    return delivery


# --- the daily digest and the outbox ----------------------------------------------------------


def digest_pending(*, cutoff: dt.datetime):
    """Notifications waiting for a daily digest, created before ``cutoff``."""
    return Notification.objects.filter(
        email_delivery=Delivery.DAILY, digest__isnull=True, created_at__lt=cutoff
    )


def digest_members(*, cutoff: dt.datetime, after: int, limit: int) -> list[int]:
    """The next ``limit`` member ids (above ``after``, in order) with notifications waiting
    for a daily digest."""
    return list(
        digest_pending(cutoff=cutoff)
        .filter(recipient_id__gt=after)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[:limit]
    )


def digest_unsent(*, day: dt.date, after: int, upto: int | None) -> list[int]:
    """Ids of the digests of ``day`` prepared but not sent for the members above ``after``
    (up to ``upto``): a batch whose worker died between preparing and sending them (their
    members no longer wait, so ``digest_members`` does not find them again)."""
    rows = EmailOutbox.objects.filter(
        kind=OutboxKind.DIGEST,
        state=OutboxState.PENDING,
        recipient_id__gt=after,
        idempotency_key__endswith=f":{day.isoformat()}",
    )
    if upto is not None:
        rows = rows.filter(recipient_id__lte=upto)
    return list(rows.order_by("recipient_id").values_list("pk", flat=True))


def digest_items(digest_ids, *, limit: int) -> dict[int, tuple[list[Notification], int]]:
    """``{digest id: (its first ``limit`` notifications, oldest first, with their actor;
    how many it holds)}`` for several digests in one query (the digest task reads them for
    a chunk of members instead of one query or two per e-mail)."""
    digest_ids = list(digest_ids)
    found = {digest_id: ([], 0) for digest_id in digest_ids}
    if not digest_ids:
        return found
    items = (
        Notification.objects.filter(digest_id__in=digest_ids)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("digest_id")], order_by=[F("created_at"), F("pk")]
            ),
            total=Window(Count("pk"), partition_by=[F("digest_id")]),
        )
        .filter(rank__lte=limit)
        .select_related("actor")
        .order_by("digest_id", "rank")
    )
    for item in items:
        found[item.digest_id] = (found[item.digest_id][0] + [item], item.total)
    return found


def outbox_due(*, now: dt.datetime, grace: dt.timedelta, requeue_after: dt.timedelta, limit: int):
    """Ids of pending e-mails the broker may not have: never queued (the broker was down
    when the transaction committed) and older than ``grace``, or queued more than
    ``requeue_after`` ago and still not sent (the message was lost)."""
    return list(
        EmailOutbox.objects.filter(state=OutboxState.PENDING)
        .filter(
            Q(queued_at__isnull=True, created_at__lt=now - grace)
            | Q(queued_at__lt=now - requeue_after)
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def activities_due(
    *,
    now: dt.datetime,
    grace: dt.timedelta,
    requeue_after: dt.timedelta,
    max_attempts: int,
    limit: int,
):
    """Ids of activities to tell that the broker may not have, oldest due first: due for
    longer than ``grace`` and never queued (the broker was down at the commit, or they were
    scheduled for later), queued before they were postponed, or queued more than
    ``requeue_after`` ago and still not processed (the message was lost); those that failed
    ``max_attempts`` times are left alone."""
    return list(
        Activity.objects.filter(
            processed_at__isnull=True, due_at__lt=now - grace, attempts__lt=max_attempts
        )
        .filter(
            Q(queued_at__isnull=True)
            | Q(queued_at__lt=now - requeue_after)
            | Q(queued_at__lt=F("due_at"))  # queued for an earlier date, then postponed
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
