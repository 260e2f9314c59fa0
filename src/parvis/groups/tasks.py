"""Celery tasks of the groups: the notifications of the activities.

Every service records an ``Activity`` in the transaction of its change; once it commits,
``signals.activity_recorded`` fires and ``queue_activity`` publishes ``activity_send`` with
the activity's id (``notifications.tasks.publish``: a broker that does not answer costs the
request a fraction of a second, never an error). ``activity_send`` resolves the recipients
*then* (``selectors.activity_recipients``: never the actor, only current members for a
private group's content), calls ``notify()`` and marks the activity processed, in one
transaction over the locked row: a duplicated or retried task notifies nobody twice. The
periodic ``activities_drain`` queues the activities the broker never got.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from parvis.notifications.selectors import CACHE_ERRORS
from parvis.notifications.services import notify
from parvis.notifications.tasks import publish

from .models import (
    ActivityKind,
    GroupStatus,
    Invitation,
    InvitationStatus,
    JoinRequest,
    RequestStatus,
)
from .selectors import activity_recipients, unprocessed_activities

logger = logging.getLogger(__name__)

#: Activities queued by one run of the drain (the next run takes the rest).
DRAIN_LIMIT = 500
#: The drain queues an activity again after this long if it is still not processed (its
#: message was lost); the duplicate is harmless.
REQUEUE_AFTER = dt.timedelta(minutes=30)


def queue_activity(sender, activity_id, **kwargs):
    """Receiver of ``activity_recorded`` (after the commit): queue the notifications."""
    publish(activity_send, args=(activity_id,))


@dataclass(frozen=True)
class Notice:
    """What an activity tells its recipients: a notification type, its context and link."""

    type_key: str
    context: dict
    url: str
    target: object = None
    show_actor: bool = True
    exclude_ids: tuple = ()


#: Kinds about a discussion's content: nothing is sent once it is deleted or moved away.
CONTENT_KINDS = (ActivityKind.NEW_THREAD, ActivityKind.REPLY, ActivityKind.MENTION)
MEMBERSHIP_CHANGES = {
    ActivityKind.MEMBER_REMOVED: "removed",
    ActivityKind.MEMBER_BANNED: "banned",
}
GROUP_STATUSES = {
    ActivityKind.GROUP_CLOSED: "closed",
    ActivityKind.GROUP_REOPENED: "reopened",
    ActivityKind.GROUP_DELETED: "deleted",
}


def _thread_url(group, thread):
    return reverse("groups:thread", kwargs={"slug": group.slug, "pk": thread.pk})


def _message_url(group, thread, message):
    return reverse(
        "groups:message", kwargs={"slug": group.slug, "pk": thread.pk, "message": message.pk}
    )


def _content_notice(activity):
    group, thread, message = activity.group, activity.thread, activity.message
    if (
        group.status == GroupStatus.DELETED
        or thread is None
        or thread.deleted_at is not None
        or thread.group_id != group.pk
        or (message is not None and message.deleted_at is not None)
    ):
        return None  # gone (or moved) before it was sent: nothing to tell
    context = {"group": group.name, "thread": thread.title}
    mentioned = tuple(activity.data.get("mentioned_ids") or ())  # told by their mention
    if activity.kind == ActivityKind.NEW_THREAD:
        return Notice(
            "groups.new_thread",
            context,
            _thread_url(group, thread),
            target=thread,
            exclude_ids=mentioned,
        )
    url = _message_url(group, thread, message) if message else _thread_url(group, thread)
    if activity.kind == ActivityKind.MENTION:
        return Notice("groups.mention", context, url, target=message or thread)
    return Notice("groups.reply", context, url, target=message or thread, exclude_ids=mentioned)


def notice_for(activity) -> Notice | None:
    """The notification an activity gives, or ``None`` when there is nothing (left) to tell."""
    group, data, kind = activity.group, activity.data or {}, activity.kind
    name = {"group": group.name}
    group_url = group.get_absolute_url()
    if kind in CONTENT_KINDS:
        return _content_notice(activity)
    if kind == ActivityKind.MEMBERSHIP_REQUEST:
        request = JoinRequest.objects.filter(
            pk=data.get("request_id"), status=RequestStatus.PENDING
        ).first()
        if request is None:
            return None  # answered or withdrawn in the meantime
        return Notice(
            "groups.membership_request",
            {**name, "note": request.message},
            reverse("groups:manage", kwargs={"slug": group.slug}),
            target=group,
        )
    if kind == ActivityKind.MEMBERSHIP_DECISION:
        return Notice(
            "groups.membership_decision",
            {**name, "accepted": bool(data.get("accepted")), "note": data.get("note") or ""},
            group_url,
            target=group,
            show_actor=False,
        )
    if kind == ActivityKind.INVITATION:
        if not Invitation.objects.filter(
            pk=data.get("invitation_id"), status=InvitationStatus.PENDING
        ).exists():
            return None
        return Notice(
            "groups.invitation",
            {**name, "note": data.get("note") or ""},
            reverse("groups:invitations"),
            target=group,
        )
    if kind in MEMBERSHIP_CHANGES:
        return Notice(
            "groups.membership_changed",
            {**name, "change": MEMBERSHIP_CHANGES[kind], "reason": data.get("reason") or ""},
            group_url,
            target=group,
            show_actor=False,
        )
    if kind == ActivityKind.ROLE_CHANGED:
        return Notice(
            "groups.membership_changed",
            {**name, "change": "moderator" if data.get("role") == "moderator" else "member"},
            group_url,
            target=group,
            show_actor=False,
        )
    if kind == ActivityKind.OWNERSHIP_TRANSFERRED:
        automatic = bool(data.get("automatic"))
        return Notice(
            "groups.membership_changed",
            {**name, "change": "owner", "automatic": automatic},
            group_url,
            target=group,
            show_actor=not automatic,
        )
    if kind == ActivityKind.OWNER_NEEDED:
        return Notice(
            "groups.owner_needed",
            name,
            reverse("admin:groups_group_change", args=[group.pk]),
            target=group,
            show_actor=False,
        )
    if kind in (ActivityKind.CONTENT_MODERATED, ActivityKind.THREAD_MOVED):
        thread = activity.thread
        visible = thread is not None and thread.deleted_at is None
        return Notice(
            "groups.content_moderated",
            {
                **name,
                "thread": thread.title if thread is not None else "",
                "what": data.get("what") or "message",
                "reason": data.get("reason") or "",
                "moved_from": data.get("from_group") or "",
            },
            _thread_url(group, thread) if visible else group_url,
            target=thread if visible else group,
            show_actor=False,
        )
    if kind in GROUP_STATUSES:
        status = GROUP_STATUSES[kind]
        return Notice(
            "groups.group_status",
            {**name, "status": status, "reason": data.get("reason") or ""},
            reverse("groups:index") if status == "deleted" else group_url,
            target=group,
            show_actor=False,
        )
    return None


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def activity_send(activity_id: int):
    """Notify the members an activity is for, once: the row is locked (a duplicate task
    skips it) and marked processed in the transaction that writes the notifications."""
    with transaction.atomic():
        activity = (
            unprocessed_activities()
            .select_for_update(of=("self",), skip_locked=True)
            .filter(pk=activity_id)
            .first()
        )
        if activity is None:
            return 0  # processed already, or another worker has it
        notice = notice_for(activity)
        written = []
        if notice is not None:
            recipients = activity_recipients(activity)
            if notice.exclude_ids:
                recipients = recipients.exclude(pk__in=notice.exclude_ids)
            written = notify(
                recipients=recipients,
                type_key=notice.type_key,
                actor=activity.actor if notice.show_actor else None,
                target=notice.target,
                url=notice.url,
                context=notice.context,
            )
        activity.processed_at = timezone.now()
        activity.save(update_fields=["processed_at"])
    return len(written)


def _first_requeue(activity_id) -> bool:
    """Whether the drain has not queued this activity in the last ``REQUEUE_AFTER``."""
    try:
        return cache.add(
            f"groups:activity-drained:{activity_id}",
            1,
            timeout=int(REQUEUE_AFTER.total_seconds()),
        )
    except CACHE_ERRORS:
        return True


@shared_task(acks_late=True, time_limit=300)
def activities_drain(limit: int = DRAIN_LIMIT):
    """Periodic (beat): queue the activities still unprocessed one interval after they were
    recorded — their task never reached the broker (Redis was down) or was lost. At most
    ``limit`` a run, oldest first."""
    grace = dt.timedelta(seconds=settings.PARVIS_OUTBOX_DRAIN_SECONDS)
    due = list(
        unprocessed_activities()
        .filter(created_at__lt=timezone.now() - grace)
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for pk in due:
        if _first_requeue(pk):
            activity_send.apply_async(args=(pk,))
            queued += 1
    if queued:
        logger.info("Groups' drain queued %s activities.", queued)
    return queued
