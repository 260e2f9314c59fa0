"""Writes of the notifications: ``notify()``, reading, preferences, the outbox and digests.

``notify()`` writes notifications: the activity outbox's fan-out calls it (``activities``: the
content apps record activities, they do not call it), and so do the platform's notices to
known members written at once (a verification, a moderation decision). It writes the
notifications and, for the members who want an e-mail at once, the outbox rows, in the
caller's transaction;
the e-mails are queued for a Celery worker after the transaction commits. When the broker is
unreachable at that moment, the request still answers at once: the rows wait in the database
and the periodic ``outbox_drain`` task queues them when the broker is back. A worker sends an
outbox row only while it holds the row's lock and only if it is still pending, so a
duplicated, retried or redelivered task never sends an e-mail twice.
"""

import datetime as dt
import json
import logging
import smtplib
import uuid
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User

from . import registry
from .emails import DIGEST_SCOPE, build_message
from .models import (
    EmailOutbox,
    Notification,
    NotificationPreference,
    OutboxKind,
    OutboxState,
)
from .registry import Delivery
from .selectors import (
    CACHE_ERRORS,
    deliveries_for,
    digest_pending,
    preferences_of,
    preferences_of_members,
    unread_cache_key,
)

logger = logging.getLogger(__name__)

#: An e-mail that failed this many times (SMTP errors) is marked failed and left alone.
MAX_ATTEMPTS = 8


def notify(
    *,
    recipients: Iterable[User],
    type_key: str,
    actor: User | None = None,
    target=None,
    url: str = "",
    context: dict | None = None,
    email: bool = True,
) -> list[Notification]:
    """Tell ``recipients`` (members) that something of type ``type_key`` happened.

    - ``actor``: the member who did it (never notified of their own action), or None.
    - ``target``: the model instance it is about (a generic relation); ``url`` defaults to
      its ``get_absolute_url()``: the link of the notification, a path of the site.
    - ``context``: plain JSON values (strings, numbers, booleans, lists, dicts), the
      ``%(name)s`` of the type's text and the variables of its e-mail templates. Give what
      the member must read even if the item changes later (a title, a reason).
    - ``email``: False writes the notifications without any e-mail (demo content, backfills).

    Inactive members are skipped. Call it inside the service's transaction: nothing is
    written or sent if the transaction rolls back. Returns the notifications written.
    """
    ntype = registry.get(type_key)
    params = dict(context or {})
    try:
        json.dumps(params)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"notify({type_key!r}): the context must hold plain JSON values ({error})."
        ) from None
    members = {}
    for member in recipients:
        if member.is_active and (actor is None or member.pk != actor.pk):
            members.setdefault(member.pk, member)
    if not members:
        return []
    if target is not None and not url:
        url = target.get_absolute_url()
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    deliveries = deliveries_for(member_ids=list(members), notification_type=ntype)
    now = timezone.now()
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=member_id,
                    type_key=type_key,
                    actor=actor,
                    target_type=target_type,
                    target_id=target.pk if target is not None else None,
                    url=url,
                    params=params,
                    email_delivery=deliveries[member_id] if email else Delivery.NEVER,
                    created_at=now,
                )
                for member_id in members
            ]
        )
        rows = EmailOutbox.objects.bulk_create(
            [
                EmailOutbox(
                    idempotency_key=f"notification:{notification.pk}",
                    kind=OutboxKind.NOTIFICATION,
                    recipient_id=notification.recipient_id,
                    notification=notification,
                    created_at=now,
                )
                for notification in notifications
                if notification.email_delivery == Delivery.IMMEDIATE
            ]
        )
        if rows:
            _queue_after_commit([row.pk for row in rows])
        _forget_unread(list(members))
    return notifications


#: Members notified per transaction by ``notify_in_batches``.
NOTIFY_BATCH_SIZE = 1000


def notify_in_batches(
    *,
    recipients: QuerySet,
    type_key: str,
    target,
    batch_size: int | None = None,
    **kwargs,
) -> int:
    """``notify()`` for a large audience (a commune's or the whole département's members),
    from a Celery task: ``recipients`` (a queryset of users) is read by batches of
    ``batch_size`` in primary-key order, each batch notified in its own transaction — memory
    and transactions stay small, and the e-mails of each batch are queued as it commits.

    Idempotent: each batch skips the members already notified of ``type_key`` about
    ``target``, and takes a lock on the target's row, so a retried or duplicated fan-out
    (a worker that died half-way, the periodic task and the publication's task at once)
    never notifies anyone twice. Returns the number of notifications written."""
    batch_size = batch_size or NOTIFY_BATCH_SIZE
    target_model = type(target)
    target_type = ContentType.objects.get_for_model(target)
    after, written = 0, 0
    while True:
        ids = list(
            recipients.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()[:batch_size]
        )
        if not ids:
            return written
        after = ids[-1]
        with transaction.atomic():
            # Two runs of the same fan-out take turns, batch by batch.
            list(
                target_model._default_manager.select_for_update()
                .filter(pk=target.pk)
                .values_list("pk", flat=True)
            )
            done = set(
                Notification.objects.filter(
                    type_key=type_key,
                    target_type=target_type,
                    target_id=target.pk,
                    recipient_id__in=ids,
                ).values_list("recipient_id", flat=True)
            )
            fresh = [pk for pk in ids if pk not in done]
            if fresh:
                members = User.objects.filter(pk__in=fresh).only("pk", "is_active")
                written += len(
                    notify(recipients=members, type_key=type_key, target=target, **kwargs)
                )


def _forget_unread(member_ids):
    """The header's cached unread counts are stale: forget them now and again after the
    commit (a page computed in between would have cached the old count)."""
    keys = [unread_cache_key(member_id) for member_id in member_ids]

    def forget():
        with suppress(CACHE_ERRORS):  # Redis down: nothing is cached there either
            cache.delete_many(keys)

    forget()
    transaction.on_commit(forget)


def _queue_after_commit(outbox_ids):
    from .tasks import queue_outbox

    transaction.on_commit(lambda: queue_outbox(outbox_ids))


# --- the notification centre ------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, member: User) -> Notification:
    if notification.recipient_id != member.pk:
        raise ValidationError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _forget_unread([member.pk])
    return notification


def notifications_mark_all_read(*, member: User) -> int:
    """Mark every unread notification of ``member`` read; returns how many."""
    count = Notification.objects.filter(recipient=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    _forget_unread([member.pk])
    return count


# --- preferences ------------------------------------------------------------------------------


def preferences_set(*, member: User, choices: dict[str, str]) -> None:
    """Record ``member``'s delivery for each type key of ``choices``."""
    rows = []
    for key, delivery in choices.items():
        ntype = registry.get(key)
        if delivery not in dict(ntype.choices):
            raise ValidationError(
                _("“%(choice)s” is not a choice for “%(type)s”.")
                % {"choice": delivery, "type": ntype.label}
            )
        rows.append(NotificationPreference(member=member, type_key=key, delivery=delivery))
    NotificationPreference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["member", "type_key"],
        update_fields=["delivery"],
    )


def notifications_unsubscribe(*, member: User, scope: str) -> list[str]:
    """Stop the e-mails of ``scope`` (a type key, or the daily digest: every type the member
    receives daily) for ``member``; returns the type keys changed. Types whose e-mail is
    required are left alone."""
    current = preferences_of(member)
    if scope == DIGEST_SCOPE:
        keys = [key for key, delivery in current.items() if delivery == Delivery.DAILY]
    else:
        keys = [scope] if current.get(scope, Delivery.NEVER) != Delivery.NEVER else []
    keys = [key for key in keys if not registry.get(key).email_required]
    if keys:
        preferences_set(member=member, choices=dict.fromkeys(keys, Delivery.NEVER))
    return keys


# --- the daily digest -------------------------------------------------------------------------


def digest_key(*, member_id: int, day: dt.date) -> str:
    return f"digest:{member_id}:{day.isoformat()}"


def digest_prepare(*, member_id: int, day: dt.date, cutoff: dt.datetime) -> EmailOutbox | None:
    """The daily digest of ``member_id`` for ``day``: an outbox row (unique key
    ``digest:<member>:<day>``) holding the member's notifications waiting for a digest,
    created before ``cutoff``. ``None`` when there is nothing to send or when the digest of
    that day already exists: a duplicated or retried task never makes a second one.
    Notifications of a type the member has since switched to "never" leave the queue."""
    rows = digest_prepare_many(member_ids=[member_id], day=day, cutoff=cutoff)
    return rows[0] if rows else None


def digest_prepare_many(
    *, member_ids: Iterable[int], day: dt.date, cutoff: dt.datetime
) -> list[EmailOutbox]:
    """``digest_prepare`` for several members in one transaction and a fixed number of
    queries (the daily digest task prepares its members by chunks): the new digest rows, in
    member order.

    The members' waiting notifications are locked first (``SELECT ... FOR UPDATE``): a
    duplicate of the task waits there until this one commits, then finds them taken by the
    digests. A member whose digest of that day exists already is left alone; an inactive
    member's notifications, and those of a type the member switched to "never", leave the
    queue."""
    member_ids = sorted(set(member_ids))
    if not member_ids:
        return []
    with transaction.atomic():
        pending = list(
            digest_pending(cutoff=cutoff)
            .filter(recipient_id__in=member_ids)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", "recipient_id", "type_key")
        )
        if not pending:
            return []
        keys = {member_id: digest_key(member_id=member_id, day=day) for member_id in member_ids}
        done = set(
            EmailOutbox.objects.filter(idempotency_key__in=keys.values()).values_list(
                "idempotency_key", flat=True
            )
        )
        waiting = {recipient for _pk, recipient, _key in pending if keys[recipient] not in done}
        active = set(
            User.objects.filter(pk__in=waiting, is_active=True).values_list("pk", flat=True)
        )
        wanted = preferences_of_members(sorted(active))
        keep, dropped = {}, []
        for pk, recipient, type_key in pending:
            if recipient not in waiting:
                continue  # that day's digest is made: they wait for the next one
            if recipient in active and wanted[recipient].get(type_key) in (Delivery.DAILY, None):
                keep.setdefault(recipient, []).append(pk)
            else:
                dropped.append(pk)
        if dropped:
            Notification.objects.filter(pk__in=dropped).update(email_delivery=Delivery.NEVER)
        if not keep:
            return []
        # Sent by the digest task that prepares them: queued already, as far as the drain
        # is concerned.
        now = timezone.now()
        rows = _digest_rows_create(
            [
                EmailOutbox(
                    idempotency_key=keys[member_id],
                    kind=OutboxKind.DIGEST,
                    recipient_id=member_id,
                    queued_at=now,
                )
                for member_id in sorted(keep)
            ]
        )
        if rows:
            Notification.objects.filter(
                pk__in=[pk for row in rows for pk in keep[row.recipient_id]]
            ).update(
                digest_id=Case(
                    *[When(recipient_id=row.recipient_id, then=Value(row.pk)) for row in rows],
                    output_field=BigIntegerField(),
                )
            )
    return rows


def _digest_rows_create(rows: list[EmailOutbox]) -> list[EmailOutbox]:
    """Insert the digest rows (in a savepoint); if one of them was made by a duplicate task
    a moment ago (unique key), insert them one by one and leave that one out."""
    try:
        with transaction.atomic():
            return EmailOutbox.objects.bulk_create(rows)
    except IntegrityError:
        pass
    created = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue  # a duplicate of this task made it a moment ago
        created.append(row)
    return created


# --- sending ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    """What ``outbox_deliver`` did: ``sent``, ``already`` (sent or given up before),
    ``busy`` (another worker holds it), ``cancelled`` (no one to send to) or ``retry``."""

    outcome: str
    error: str = ""


class BatchMailer:
    """The default mailer kept open for the e-mails of one task (``with BatchMailer() as
    mailer``): a digest batch sends its e-mails through one SMTP connection instead of one
    connection each. After an error the connection is closed; the next e-mail opens another."""

    def __init__(self):
        self.backend = mailers.default
        self.opened = False

    def send(self, message) -> int:
        if not self.opened:
            self.backend.open()
            self.opened = True
        try:
            return self.backend.send_messages([message])
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.opened:
            self.opened = False
            with suppress(OSError, smtplib.SMTPException):
                self.backend.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def outbox_deliver(
    *, outbox_id: int, mailer: BatchMailer | None = None, digest_items=None
) -> Delivered:
    """Send one outbox e-mail, exactly once (through ``mailer`` when given, else a
    connection of its own; ``digest_items``: a digest's items read beforehand, see
    ``selectors.digest_items``).

    The row is locked (``SELECT ... FOR UPDATE SKIP LOCKED``) for the whole send and marked
    sent in the same transaction: a duplicate task finds it locked (and gives up) or already
    sent. If the worker dies while sending, the database releases the lock and the row stays
    pending for the redelivered task.
    """
    with transaction.atomic():
        row = (
            EmailOutbox.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                *(
                    ("recipient",)
                    if digest_items is not None
                    else ("recipient", "notification__actor")
                )
            )
            .filter(pk=outbox_id)
            .first()
        )
        if row is None:
            exists = EmailOutbox.objects.filter(pk=outbox_id).exists()
            return Delivered("busy" if exists else "already")
        if row.state != OutboxState.PENDING:
            return Delivered("already")
        if row.kind == OutboxKind.DIRECT:
            deliverable = bool(row.to_address)
        else:
            member = row.recipient
            deliverable = member is not None and member.is_active and bool(member.email)
        if not deliverable:
            row.state = OutboxState.CANCELLED
            row.save(update_fields=["state", *_forget_direct(row)])
            return Delivered("cancelled")
        row.attempts += 1
        try:
            message = build_message(row, digest_items=digest_items)
            if mailer is not None:
                mailer.send(message)
            else:
                message.send()
        except (OSError, smtplib.SMTPException) as error:
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.state = OutboxState.FAILED
            row.save(update_fields=["attempts", "last_error", "state"])
            logger.warning("E-mail %s not sent (attempt %s): %s", row, row.attempts, error)
            return Delivered("retry" if row.state == OutboxState.PENDING else "already", str(error))
        row.state = OutboxState.SENT
        row.sent_at = timezone.now()
        row.save(update_fields=["state", "sent_at", "attempts", *_forget_direct(row)])
    return Delivered("sent")


def _forget_direct(row) -> list[str]:
    """A direct e-mail sent or given up keeps no personal data (its address and context);
    returns the fields emptied, for ``update_fields``."""
    if row.kind != OutboxKind.DIRECT:
        return []
    row.to_address = ""
    row.context = {}
    return ["to_address", "context"]


def direct_email_write(*, to: str, template: str, context: dict, language: str) -> EmailOutbox:
    """The outbox row of a direct e-mail to an address (``parvis.core.emails.queue_email``),
    in the caller's transaction; queued for a worker after the commit, and by the drain if
    the broker is down then."""
    try:
        json.dumps(context)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"queue_email({template!r}): the context must hold plain JSON values ({error})."
        ) from None
    row = EmailOutbox.objects.create(
        idempotency_key=f"email:{uuid.uuid4().hex}",
        kind=OutboxKind.DIRECT,
        to_address=to,
        template=template,
        context=context,
        language=language,
    )
    _queue_after_commit([row.pk])
    return row


def outbox_purge(*, now: dt.datetime, days: int) -> int:
    """Delete the direct e-mails (to an address, not a member) finished more than ``days``
    ago: sent or cancelled ones (already emptied of their address) and failed ones (their
    address kept for a retry that no longer makes sense). A member's notification and digest
    rows stay: they are the member's history, erased with the member, and a digest row still
    tells which notifications it carried."""
    deleted, _by_model = EmailOutbox.objects.filter(
        kind=OutboxKind.DIRECT,
        state__in=[OutboxState.SENT, OutboxState.CANCELLED, OutboxState.FAILED],
        created_at__lt=now - dt.timedelta(days=days),
    ).delete()
    return deleted


def outbox_mark_queued(*, outbox_ids) -> None:
    """The broker has the tasks of these rows: the drain leaves them alone for a while."""
    EmailOutbox.objects.filter(pk__in=outbox_ids, state=OutboxState.PENDING).update(
        queued_at=timezone.now()
    )


def outbox_retry_failed(*, outbox_ids) -> int:
    """Put failed e-mails back in the queue (the admin's action once SMTP is fixed)."""
    return EmailOutbox.objects.filter(pk__in=outbox_ids, state=OutboxState.FAILED).update(
        state=OutboxState.PENDING, attempts=0, queued_at=None
    )
