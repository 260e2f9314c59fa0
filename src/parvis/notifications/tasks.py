"""Celery tasks of the notifications: telling the activities, sending the e-mail outbox,
draining both, the daily digest.

Every task takes ids or plain values, is idempotent and acknowledges late (a task whose worker
died is delivered again: ``task_acks_late`` and ``task_reject_on_worker_lost`` in settings).
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import activities, selectors, services
from .emails import DIGEST_MAX_ITEMS

logger = logging.getLogger(__name__)

#: Members per digest task: 100,000 members make 200 tasks, queued one after the other.
DIGEST_BATCH_SIZE = 500
#: Members whose digests are prepared in one transaction, then sent, within a batch (a worker
#: that dies leaves at most this many prepared digests to the outbox drain).
DIGEST_PREPARE_CHUNK = 100
#: A notify() with more e-mails than this queues one fan-out task instead of one per e-mail.
DIRECT_QUEUE_LIMIT = 20
#: E-mails queued by one run of the drain (the next run takes the rest).
DRAIN_LIMIT = 500
#: A queued e-mail still pending after this long is queued again (the message was lost, e.g.
#: a Redis restarted without persistence); the duplicate is harmless.
REQUEUE_AFTER = dt.timedelta(minutes=30)
#: Fast give-up when publishing from a request: a broker that does not answer must not hold
#: the member's page; the outbox keeps the e-mail.
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
BROKER_ERRORS = (OperationalError, OSError)


def publish(task, **options) -> bool:
    """``task.apply_async(**options)``, giving up quickly when the broker is unreachable
    (logged, returns False) instead of failing the request that committed the change."""
    try:
        task.apply_async(retry=True, retry_policy=PUBLISH_RETRY_POLICY, **options)
    except BROKER_ERRORS:
        logger.warning("Broker unreachable: %s waits for the outbox drain.", task.name)
        return False
    return True


def queue_outbox(outbox_ids) -> None:
    """Queue the sending of outbox rows (after the transaction that wrote them committed)."""
    outbox_ids = list(outbox_ids)
    if not outbox_ids:
        return
    if len(outbox_ids) > DIRECT_QUEUE_LIMIT:
        queued = publish(outbox_fan_out, args=(outbox_ids,))
    else:
        queued = all(publish(outbox_send, args=(pk,)) for pk in outbox_ids)
    if queued:
        services.outbox_mark_queued(outbox_ids=outbox_ids)


# --- the activity outbox ----------------------------------------------------------------------


def queue_activity(activity_id: int, *, inline: bool = False) -> None:
    """After the commit that recorded an activity: queue its fan-out. When the broker cannot
    be reached, an activity whose members were named (``inline``: a few of them) is told by
    this process right away — the same fan-out, so they find it in their notification centre
    at once and its e-mails wait in the e-mail outbox; any other waits for the drain."""
    if publish(activity_fan_out, args=(activity_id,)):
        activities.activities_mark_queued(activity_ids=[activity_id])
    elif inline:
        try:
            activities.activity_process(activity_id=activity_id)
        except Exception:  # the change is committed: the drain tries again
            logger.exception("Activity %s not told; the drain will try again.", activity_id)


@shared_task(bind=True, acks_late=True, max_retries=5, time_limit=3600, soft_time_limit=3500)
def activity_fan_out(self, activity_id: int):
    """Tell one activity (``activities.activity_process``: once, whatever the duplicates);
    retried with backoff when it fails, then left to the drain."""
    try:
        return activities.activity_process(activity_id=activity_id)
    except Exception as error:
        attempts = activities.activity_failed(activity_id=activity_id, error=error)
        logger.exception("Activity %s not told (attempt %s).", activity_id, attempts)
        if self.request.is_eager:
            raise
        if attempts >= activities.MAX_ATTEMPTS:
            return 0
        raise self.retry(countdown=_backoff(self.request.retries)) from error


@shared_task(acks_late=True, time_limit=300)
def activities_drain(limit: int = DRAIN_LIMIT):
    """Periodic (beat): queue the activities due and not told that the broker does not have —
    recorded while it was down, scheduled for now (a post's publication date has come), or
    lost since. At most ``limit`` a run, oldest first."""
    interval = dt.timedelta(seconds=settings.PARVIS_OUTBOX_DRAIN_SECONDS)
    due = selectors.activities_due(
        now=timezone.now(),
        grace=interval,
        requeue_after=REQUEUE_AFTER,
        max_attempts=activities.MAX_ATTEMPTS,
        limit=limit,
    )
    for pk in due:
        activity_fan_out.apply_async(args=(pk,))
    activities.activities_mark_queued(activity_ids=due)
    if due:
        logger.info("Activities drain queued %s activities.", len(due))
    return len(due)


@shared_task(acks_late=True, time_limit=300)
def activities_purge():
    """Periodic (beat, daily): forget the activities told long ago
    (``PARVIS_OUTBOX_RETENTION_DAYS``)."""
    return activities.activities_purge(
        now=timezone.now(), days=settings.PARVIS_OUTBOX_RETENTION_DAYS
    )


# --- the e-mail outbox -------------------------------------------------------------------------


def _backoff(retries: int) -> int:
    """30 s, 1 min, 2 min... capped at 10 min (shorter than the broker's visibility timeout)."""
    return min(30 * 2**retries, 600)


@shared_task(bind=True, acks_late=True, max_retries=None, time_limit=300, soft_time_limit=240)
def outbox_send(self, outbox_id: int):
    """Send one outbox e-mail (exactly once, see ``services.outbox_deliver``); retried with
    backoff on SMTP errors, up to ``services.MAX_ATTEMPTS``."""
    result = services.outbox_deliver(outbox_id=outbox_id)
    if result.outcome == "retry" and not self.request.is_eager:
        raise self.retry(countdown=_backoff(self.request.retries))
    return result.outcome


@shared_task(acks_late=True, time_limit=300)
def outbox_fan_out(outbox_ids):
    """Queue one ``outbox_send`` per row: a notification to a whole group fans out in a
    worker, not in the request."""
    for pk in outbox_ids:
        outbox_send.apply_async(args=(pk,))
    services.outbox_mark_queued(outbox_ids=outbox_ids)


@shared_task(acks_late=True, time_limit=300)
def outbox_drain(limit: int = DRAIN_LIMIT):
    """Periodic (beat): queue the pending e-mails the broker does not have — written while it
    was down, or lost since. At most ``limit`` a run."""
    interval = dt.timedelta(seconds=settings.PARVIS_OUTBOX_DRAIN_SECONDS)
    due = selectors.outbox_due(
        now=timezone.now(), grace=interval, requeue_after=REQUEUE_AFTER, limit=limit
    )
    for pk in due:
        outbox_send.apply_async(args=(pk,))
    services.outbox_mark_queued(outbox_ids=due)
    if due:
        logger.info("Outbox drain queued %s e-mails.", len(due))
    return len(due)


@shared_task(acks_late=True, time_limit=300)
def outbox_purge():
    """Periodic (beat, daily): forget the direct e-mails finished long ago
    (``PARVIS_OUTBOX_RETENTION_DAYS``)."""
    deleted = services.outbox_purge(now=timezone.now(), days=settings.PARVIS_OUTBOX_RETENTION_DAYS)
    if deleted:
        logger.info("Outbox purge deleted %s direct e-mails.", deleted)
    return deleted


# --- the daily digest -------------------------------------------------------------------------


@shared_task(acks_late=True, time_limit=300)
def digest_daily(batch_size: int = DIGEST_BATCH_SIZE):
    """Periodic (beat, once a day): start the day's digests with the first batch of members;
    each batch queues the next one, so only a couple of digest tasks wait at any time."""
    now = timezone.now()
    _queue_batch(day=timezone.localdate(now), cutoff=now, after=0, batch_size=batch_size)


def _queue_batch(*, day, cutoff, after, batch_size):
    """Queue the batch after member ``after`` once per day (a duplicated or retried task
    does not start a second chain; the unique digest keys would stop its e-mails anyway)."""
    guard = f"notifications:digest:{day.isoformat()}:{after}"
    if not cache.add(guard, 1, timeout=36 * 3600):
        return
    queued = publish(
        digest_batch,
        kwargs={
            "day": day.isoformat(),
            "cutoff": cutoff.isoformat(),
            "after": after,
            "batch_size": batch_size,
        },
    )
    if not queued:
        cache.delete(guard)


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def digest_batch(*, day: str, cutoff: str, after: int = 0, batch_size=DIGEST_BATCH_SIZE):
    """The digests of the next ``batch_size`` members after ``after``: queue the next batch
    first (several workers then share the day's batches), then prepare the digests by chunks
    of ``DIGEST_PREPARE_CHUNK`` members (a few queries a chunk, their items read at once)
    and send each one here, through one SMTP connection for the batch — one task per batch,
    not one per member."""
    day_ = dt.date.fromisoformat(day)
    cutoff_ = dt.datetime.fromisoformat(cutoff)
    members = selectors.digest_members(cutoff=cutoff_, after=after, limit=batch_size)
    full = len(members) == batch_size
    if full:
        _queue_batch(day=day_, cutoff=cutoff_, after=members[-1], batch_size=batch_size)
    # This batch run again after its worker died: the digests it had prepared and not sent
    # (their members no longer wait) are sent first. Each is sent once (outbox_deliver).
    unsent = selectors.digest_unsent(day=day_, after=after, upto=members[-1] if full else None)
    if not members and not unsent:
        return 0
    sent = 0
    with services.BatchMailer() as mailer:

        def deliver(rows, items):
            nonlocal sent
            for pk in rows:
                result = services.outbox_deliver(
                    outbox_id=pk, mailer=mailer, digest_items=items[pk]
                )
                if result.outcome == "sent":
                    sent += 1
                elif result.outcome == "retry":
                    outbox_send.apply_async(args=(pk,), countdown=_backoff(0))

        for start in range(0, len(unsent), DIGEST_PREPARE_CHUNK):
            chunk = unsent[start : start + DIGEST_PREPARE_CHUNK]
            deliver(chunk, selectors.digest_items(chunk, limit=DIGEST_MAX_ITEMS))
        for start in range(0, len(members), DIGEST_PREPARE_CHUNK):
            rows = services.digest_prepare_many(
                member_ids=members[start : start + DIGEST_PREPARE_CHUNK], day=day_, cutoff=cutoff_
            )
            chunk = [row.pk for row in rows]
            deliver(chunk, selectors.digest_items(chunk, limit=DIGEST_MAX_ITEMS))
    return sent
