"""The activity outbox: what happened, recorded by the content apps, told by a worker.

A content app's service records what happened in its own transaction::

    from parvis.notifications.activities import activity_record

    activity_record(
        kind="agenda.event_cancelled",  # a notification type, or a kind with a handler
        actor=actor,
        target=event,
        recipients=participants,  # named now; or None: the kind's handler resolves them
        data={"title": event.title, "reason": reason},  # plain JSON
    )

Nothing is told for a change that rolls back. After the commit, ``tasks.activity_fan_out``
is queued; it locks the activity, asks its kind what to tell (``Notice``), writes the
notifications with ``notify()`` (their e-mails go through the e-mail outbox) and marks the
activity processed in the same transaction. The periodic ``tasks.activities_drain`` queues
the activities the broker never got and those whose ``due_at`` (a scheduled post) has come.

A kind is either a notification type told as is (the activity's recipients, ``data`` as the
context, its actor, target and url) or a kind registered with a handler, in the app's
``activities.py`` module (found at start-up), when what to tell is decided at send time::

    @activity_kind("news.post_published", done=mark_announced)
    def post_published(activity):
        ...
        return Notice(type_key=..., recipients=<queryset>, context=..., target=post,
                      batched=True)  # or None (nothing to tell), or Postpone(until=...)

See docs/notifications.md.
"""

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from parvis.accounts.models import User

from . import registry
from .models import Activity
from .services import notify, notify_in_batches

logger = logging.getLogger(__name__)

#: An activity whose members were named when it was recorded, up to this many, is fanned out
#: by the process that recorded it when the broker cannot take its task (see
#: ``tasks.queue_activity``); a larger one, or one whose audience is resolved when it is
#: sent, waits for the drain.
INLINE_FALLBACK_LIMIT = 1000
#: A fan-out that failed this many times is left alone by the drain (logged as an error).
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Notice:
    """One notification an activity gives: its type, recipients (users: a list or a
    queryset; the actor and inactive members are skipped), context (plain JSON), link and
    target. ``batched``: a large audience (a queryset: a commune's or the département's
    members), written by batches of 1,000 in transactions of their own
    (``services.notify_in_batches``, idempotent per type, target and member)."""

    type_key: str
    recipients: Iterable[User]
    context: dict = field(default_factory=dict)
    url: str = ""
    target: models.Model | None = None
    actor: User | None = None
    batched: bool = False


@dataclass(frozen=True)
class Postpone:
    """Not yet: tell the activity at ``until`` (a post whose publication date moved)."""

    until: dt.datetime


Outcome = Notice | Iterable[Notice] | Postpone | None


@dataclass(frozen=True)
class ActivityKind:
    """A kind of activity whose notifications are decided when it is sent.

    - ``key``: ``"<app>.<what>"``, stored on the activities: never rename.
    - ``handler(activity)``: returns the ``Notice`` (or several), ``None`` when there is
      nothing (left) to tell, or ``Postpone``. It reads ``activity.batch``: the activities
      told together (same ``batch_key``), oldest first, ``activity`` being the newest.
    - ``done(activity)``: called once the activity is told (in the transaction that marks
      it processed; not when the handler found nothing to tell), e.g. to mark the item
      announced.
    """

    key: str
    handler: Callable[[Activity], Outcome]
    done: Callable[[Activity], None] | None = None


_kinds: dict[str, ActivityKind] = {}


def activity_kind(key: str, *, done: Callable[[Activity], None] | None = None):
    """Decorator registering ``handler`` as the kind ``key`` (in an app's activities.py)."""

    def register(handler):
        existing = _kinds.get(key)
        if existing is not None and existing.handler.__qualname__ != handler.__qualname__:
            raise ImproperlyConfigured(f"Activity kind {key!r} is already registered.")
        _kinds[key] = ActivityKind(key=key, handler=handler, done=done)
        return handler

    return register


def kind_or_none(key: str) -> ActivityKind | None:
    return _kinds.get(key)


def _check_kind(key: str) -> None:
    if key not in _kinds and registry.get_or_none(key) is None:
        raise LookupError(
            f"No activity kind nor notification type {key!r} is registered "
            "(declare it in the app's activities.py or notifications.py)."
        )


# --- recording ----------------------------------------------------------------------------


def activity_record(
    *,
    kind: str,
    actor: User | None = None,
    target: models.Model | None = None,
    recipients: Iterable[User] | None = None,
    data: dict | None = None,
    url: str = "",
    due_at: dt.datetime | None = None,
    batch_key: str = "",
) -> Activity | None:
    """Record that ``kind`` happened, in the caller's transaction; it is told after the
    commit (at ``due_at`` if that is later: a scheduled post, a batching window).

    - ``recipients``: the members concerned, named now (a list or a queryset of users), when
      they must be those of this moment (an event's participants before its dates change);
      ``None`` lets the kind's handler resolve them when it is sent. An empty list records
      nothing (returns ``None``): nobody to tell.
    - ``data``: plain JSON: the notification's context for a kind told as is, else what its
      handler reads. ``url``: the link, when it is not the target's ``get_absolute_url()``.
    - ``batch_key``: activities with the same key not yet told are told together, once.
    """
    _check_kind(kind)
    data = dict(data or {})
    try:
        json.dumps(data)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"activity_record({kind!r}): the data must hold plain JSON values ({error})."
        ) from None
    recipient_ids = []
    if recipients is not None:
        recipient_ids = list(dict.fromkeys(member.pk for member in recipients))
        if not recipient_ids:
            return None
    now = timezone.now()
    activity = Activity.objects.create(
        kind=kind,
        actor=actor,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        recipient_ids=recipient_ids,
        url=url,
        data=data,
        batch_key=batch_key,
        created_at=now,
        due_at=max(due_at, now) if due_at is not None else now,
    )
    if activity.due_at <= now:
        from .tasks import queue_activity

        pk, inline = activity.pk, 0 < len(recipient_ids) <= INLINE_FALLBACK_LIMIT
        transaction.on_commit(lambda: queue_activity(pk, inline=inline))
    return activity


# --- telling ------------------------------------------------------------------------------


def recipients_of(activity: Activity):
    """The members named in ``activity`` (and the activities told with it), as a queryset."""
    ids = {pk for item in getattr(activity, "batch", [activity]) for pk in item.recipient_ids}
    return User.objects.filter(pk__in=ids).order_by("pk")


def _as_told(activity: Activity) -> Notice:
    """A kind without a handler: the notification type of the same key, told to the named
    members with the activity's data (of the newest activity of a batch)."""
    return Notice(
        type_key=activity.kind,
        recipients=recipients_of(activity),
        context=activity.data,
        url=activity.url,
        target=activity.target,
        actor=activity.actor,
    )


def _notices(kind: ActivityKind | None, activity: Activity) -> list[Notice] | Postpone:
    outcome = kind.handler(activity) if kind is not None else _as_told(activity)
    if outcome is None:
        return []
    if isinstance(outcome, Postpone):
        return outcome
    notices = [outcome] if isinstance(outcome, Notice) else list(outcome)
    if any(notice.batched for notice in notices) and not all(n.batched for n in notices):
        raise ValueError(f"{activity.kind}: batched and unbatched notices cannot be mixed.")
    return notices


def _write(notice: Notice) -> int:
    kwargs = {
        "type_key": notice.type_key,
        "actor": notice.actor,
        "url": notice.url,
        "context": notice.context,
    }
    if notice.batched:
        return notify_in_batches(recipients=notice.recipients, target=notice.target, **kwargs)
    return len(notify(recipients=notice.recipients, target=notice.target, **kwargs))


def _finish(kind: ActivityKind | None, activity: Activity, *, told: bool) -> None:
    """Mark ``activity`` and its batch processed (once); ``kind.done`` runs if this call did
    and something was told."""
    done = Activity.objects.filter(
        pk__in=[item.pk for item in activity.batch], processed_at__isnull=True
    ).update(processed_at=timezone.now(), recipient_ids=[], last_error="")
    if done and told and kind is not None and kind.done is not None:
        kind.done(activity)


def activity_process(*, activity_id: int) -> int:
    """Tell one activity (and those of its batch), once; returns the notifications written.

    The activity is locked (``SELECT … FOR UPDATE SKIP LOCKED``: a duplicate task gives up)
    and marked processed in the transaction that writes its notifications. A large audience
    (``Notice.batched``) is written by batches in transactions of their own, after the lock
    is released: each batch skips the members already told, so a retried fan-out goes on
    where the last one stopped. Nothing happens before the activity's ``due_at``."""
    now = timezone.now()
    with transaction.atomic():
        activity = (
            Activity.objects.select_for_update(skip_locked=True)
            .filter(pk=activity_id, processed_at__isnull=True, due_at__lte=now)
            .first()
        )
        if activity is None:
            return 0  # told already, not due, or another worker has it
        mates = []
        if activity.batch_key:
            mates = list(
                Activity.objects.select_for_update(skip_locked=True)
                .filter(batch_key=activity.batch_key, processed_at__isnull=True)
                .exclude(pk=activity.pk)
            )
        batch = sorted([activity, *mates], key=lambda item: (item.created_at, item.pk))
        activity = batch[-1]
        activity.batch = batch
        kind = _kinds.get(activity.kind)
        if kind is None and registry.get_or_none(activity.kind) is None:
            raise LookupError(f"Activity #{activity.pk}: unknown kind {activity.kind!r}.")
        notices = _notices(kind, activity)
        if isinstance(notices, Postpone):
            Activity.objects.filter(pk__in=[item.pk for item in batch]).update(
                due_at=notices.until, queued_at=None
            )
            return 0
        if not any(notice.batched for notice in notices):
            written = sum(_write(notice) for notice in notices)
            _finish(kind, activity, told=bool(notices))
            return written
    # A large audience: batches in their own transactions, the activity no longer locked.
    written = sum(_write(notice) for notice in notices)
    with transaction.atomic():
        _finish(kind, activity, told=True)
    return written


def activity_failed(*, activity_id: int, error: BaseException) -> int:
    """Record a failed fan-out (its task retries; the drain gives up after
    ``MAX_ATTEMPTS``); returns the attempts so far."""
    Activity.objects.filter(pk=activity_id, processed_at__isnull=True).update(
        attempts=models.F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
    )
    return Activity.objects.filter(pk=activity_id).values_list("attempts", flat=True).first() or 0


def activities_mark_queued(*, activity_ids) -> None:
    """The broker has the tasks of these activities: the drain leaves them alone a while."""
    Activity.objects.filter(pk__in=activity_ids, processed_at__isnull=True).update(
        queued_at=timezone.now()
    )


def activities_retry_failed(*, activity_ids) -> int:
    """Let the drain try again activities it gave up on (the admin's action, once the cause
    is fixed)."""
    return Activity.objects.filter(
        pk__in=activity_ids, processed_at__isnull=True, attempts__gt=0
    ).update(attempts=0, queued_at=None)


def activities_purge(*, now: dt.datetime, days: int) -> int:
    """Delete the activities processed more than ``days`` ago (their notifications are the
    record of what was told)."""
    deleted, _by_model = Activity.objects.filter(
        processed_at__lt=now - dt.timedelta(days=days)
    ).delete()
    return deleted
