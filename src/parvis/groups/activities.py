"""What the groups tell, and to whom, decided when it is told.

The services record what happened with ``activity_record`` (``services.common._record``), in
the transaction of the change: an activity of kind ``groups.<ActivityKind>`` of the
notifications' outbox, about the group, with the discussion, message and audience in its
``data``. A notifications worker tells it after the commit through ``notice_for`` (the kinds
are registered below): the recipients are resolved **then** (``activity_recipients``: never
the actor, for a private group's content only its current active members), and nothing is
told about content that is gone in the meantime (a deleted message or discussion, a
discussion moved to another group, a deleted group), nor about a request withdrawn or an
invitation cancelled. The members @mentioned in a new discussion or a reply get the mention
only. E-mails carry the discussion's title and the group's name, never a message's text.
"""

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from parvis.accounts.models import User
from parvis.notifications.activities import Notice, activity_kind, activity_record

from .models import (
    MODERATING_ROLES,
    ActivityKind,
    Audience,
    Group,
    GroupStatus,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    MembershipState,
    Message,
    RequestStatus,
    Thread,
    Visibility,
)

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


def kind_key(kind: str) -> str:
    """The outbox's kind of a groups activity: ``groups.<kind>``."""
    return f"groups.{kind}"


def activity_write(
    kind, *, group, audience, actor=None, thread=None, message=None, recipient=None, **data
):
    """Record a groups activity in the caller's transaction (told after the commit)."""
    return activity_record(
        kind=kind_key(kind),
        actor=actor if actor is not None and actor.is_authenticated else None,
        target=group,
        recipients=[recipient] if recipient is not None else None,
        data={
            "audience": audience,
            "thread_id": thread.pk if thread is not None else None,
            "message_id": message.pk if message is not None else None,
            **data,
        },
    )


def _loaded(activity):
    """``(group, thread, message)`` of an activity, read now (``None`` for what is gone)."""
    data = activity.data
    group = Group.objects.filter(pk=activity.target_id).first()
    thread = Thread.objects.filter(pk=data.get("thread_id")).first()
    message = Message.objects.filter(pk=data.get("message_id")).first()
    return group, thread, message


def activity_recipients(activity, *, group=None):
    """The members an activity is for, resolved now (not when it was recorded): the actor
    is never among them, and for a private group's content only its *current* active
    members are, so a member who left or was removed is told nothing more."""
    group = group or Group.objects.filter(pk=activity.target_id).first()
    users = User.objects.filter(is_active=True)
    if group is None:
        return users.none()
    data = activity.data
    thread_id = data.get("thread_id")
    members = Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
    if activity.actor_id:
        users = users.exclude(pk=activity.actor_id)
    audience = data.get("audience")
    if audience == Audience.RECIPIENT:
        if not activity.recipient_ids:
            return users.none()
        users = users.filter(pk__in=activity.recipient_ids)
        if thread_id is not None and group.visibility == Visibility.PRIVATE:
            # About a private discussion: only while they can still read it.
            users = users.filter(pk__in=members.values("user_id"))
        return users
    if audience == Audience.GROUP_MEMBERS:
        return users.filter(pk__in=members.values("user_id"))
    if audience == Audience.GROUP_MODERATORS:
        return users.filter(pk__in=members.filter(role__in=MODERATING_ROLES).values("user_id"))
    if audience == Audience.THREAD_PARTICIPANTS:
        if thread_id is None:
            return users.none()
        posted = Message.objects.filter(
            thread_id=thread_id, author_id=OuterRef("pk"), deleted_at__isnull=True
        )
        return users.filter(pk__in=members.values("user_id")).filter(Exists(posted))
    if audience == Audience.SITE_MODERATORS:
        permission = Permission.objects.filter(
            content_type__app_label="groups", codename="change_group"
        )
        return (
            users.filter(is_staff=True)
            .filter(
                Q(is_superuser=True)
                | Q(user_permissions__in=permission)
                | Q(groups__permissions__in=permission)
            )
            .distinct()
        )
    return users.none()


def _thread_url(group, thread):
    return reverse("groups:thread", kwargs={"slug": group.slug, "pk": thread.pk})


def _message_url(group, thread, message):
    return reverse(
        "groups:message", kwargs={"slug": group.slug, "pk": thread.pk, "message": message.pk}
    )


def _content_notice(activity, kind, group, thread, message, recipients):
    if (
        group.status == GroupStatus.DELETED
        or thread is None
        or thread.deleted_at is not None
        or thread.group_id != group.pk
        or (message is not None and message.deleted_at is not None)
    ):
        return None  # gone (or moved) before it was sent: nothing to tell
    context = {"group": group.name, "thread": thread.title}
    mentioned = activity.data.get("mentioned_ids") or ()  # told by their mention
    if kind == ActivityKind.NEW_THREAD:
        return Notice(
            type_key="groups.new_thread",
            recipients=recipients.exclude(pk__in=mentioned),
            context=context,
            url=_thread_url(group, thread),
            target=thread,
            actor=activity.actor,
        )
    url = _message_url(group, thread, message) if message else _thread_url(group, thread)
    return Notice(
        type_key="groups.mention" if kind == ActivityKind.MENTION else "groups.reply",
        recipients=recipients
        if kind == ActivityKind.MENTION
        else recipients.exclude(pk__in=mentioned),
        context=context,
        url=url,
        target=message or thread,
        actor=activity.actor,
    )


def _group_notice(type_key, context, url, group, recipients, actor=None):
    return Notice(
        type_key=type_key, recipients=recipients, context=context, url=url, target=group,
        actor=actor,
    )  # fmt: skip


def notice_for(activity) -> Notice | None:
    """The notification a groups activity gives, or ``None`` when there is nothing (left)
    to tell."""
    kind = activity.kind.removeprefix("groups.")
    group, thread, message = _loaded(activity)
    if group is None:
        return None
    data = activity.data
    recipients = activity_recipients(activity, group=group)
    if kind in CONTENT_KINDS:
        return _content_notice(activity, kind, group, thread, message, recipients)
    name = {"group": group.name}
    group_url = group.get_absolute_url()
    if kind == ActivityKind.MEMBERSHIP_REQUEST:
        request = JoinRequest.objects.filter(
            pk=data.get("request_id"), status=RequestStatus.PENDING
        ).first()
        if request is None:
            return None  # answered or withdrawn in the meantime
        manage = reverse("groups:manage", kwargs={"slug": group.slug})
        context = {**name, "note": request.message}
        return _group_notice(
            "groups.membership_request", context, manage, group, recipients, activity.actor
        )
    if kind == ActivityKind.MEMBERSHIP_DECISION:
        context = {**name, "accepted": bool(data.get("accepted")), "note": data.get("note") or ""}
        return _group_notice("groups.membership_decision", context, group_url, group, recipients)
    if kind == ActivityKind.INVITATION:
        if not Invitation.objects.filter(
            pk=data.get("invitation_id"), status=InvitationStatus.PENDING
        ).exists():
            return None
        context = {**name, "note": data.get("note") or ""}
        invitations = reverse("groups:invitations")
        return _group_notice(
            "groups.invitation", context, invitations, group, recipients, activity.actor
        )
    if kind in MEMBERSHIP_CHANGES:
        context = {**name, "change": MEMBERSHIP_CHANGES[kind], "reason": data.get("reason") or ""}
        return _group_notice("groups.membership_changed", context, group_url, group, recipients)
    if kind == ActivityKind.ROLE_CHANGED:
        change = "moderator" if data.get("role") == "moderator" else "member"
        context = {**name, "change": change}
        return _group_notice("groups.membership_changed", context, group_url, group, recipients)
    if kind == ActivityKind.OWNERSHIP_TRANSFERRED:
        automatic = bool(data.get("automatic"))
        context = {**name, "change": "owner", "automatic": automatic}
        actor = None if automatic else activity.actor
        return _group_notice(
            "groups.membership_changed", context, group_url, group, recipients, actor
        )
    if kind == ActivityKind.OWNER_NEEDED:
        admin = reverse("admin:groups_group_change", args=[group.pk])
        return _group_notice("groups.owner_needed", name, admin, group, recipients)
    if kind in (ActivityKind.CONTENT_MODERATED, ActivityKind.THREAD_MOVED):
        visible = thread is not None and thread.deleted_at is None
        return Notice(
            type_key="groups.content_moderated",
            recipients=recipients,
            context={
                **name,
                "thread": thread.title if thread is not None else "",
                "what": data.get("what") or "message",
                "reason": data.get("reason") or "",
                "moved_from": data.get("from_group") or "",
            },
            url=_thread_url(group, thread) if visible else group_url,
            target=thread if visible else group,
        )
    if kind in GROUP_STATUSES:
        status = GROUP_STATUSES[kind]
        context = {**name, "status": status, "reason": data.get("reason") or ""}
        url = reverse("groups:index") if status == "deleted" else group_url
        return _group_notice("groups.group_status", context, url, group, recipients)
    return None


for _kind in ActivityKind.values:
    activity_kind(kind_key(_kind))(notice_for)
