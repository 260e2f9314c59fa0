"""Every relation to the member, declared once: how it is exported and how it is erased.

Loaded at start-up by ``PrivacyConfig.ready``. The completeness tests fail when a relation to
the member model is missing here (or in an app's own ``privacy.py``): see docs/privacy.md.
Words used in the reasons:

- *staff work*: a moderator's or a group moderator's action on someone else's item; the
  record is kept for accountability and points to the anonymised account ("former member").
- *others' data*: rows that belong to another member (their follows, their notifications);
  exporting them would disclose that member's data.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext

from parvis.accounts.models import (
    ERASED_EMAIL_DOMAIN,
    ApiToken,
    DirectoryVisibility,
    Mandate,
    ProfileKind,
    User,
)
from parvis.agenda.models import Event, EventOccurrence, EventStatus, Rsvp
from parvis.consultations.models import Comment, Response
from parvis.groups.models import (
    Ban,
    Group,
    GroupStatus,
    Invitation,
    JoinRequest,
    Membership,
    MembershipState,
    Mention,
    Message,
    MessageRevision,
    Thread,
    ThreadRead,
)
from parvis.moderation.models import AuditEntry, Decision, ModerationCase, Report
from parvis.news.models import Follow, Post
from parvis.notifications.models import Activity as NotificationActivity
from parvis.notifications.models import EmailOutbox, Notification
from parvis.organisations.models import (
    InvitationStatus,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
)

from . import registry
from .models import DataExport, InactivityNotice
from .registry import CONTRIBUTIONS, CUSTOM, DELETE, HANDOVER, KEEP, SET_NULL

STAFF_WORK = (
    "Staff work on someone else's item: kept for accountability, pointing to the anonymised "
    "account (shown as a former member); it discloses other members' data, so it is not "
    "exported."
)
OTHERS_DATA = "Another member's data: exporting it would disclose it."


def _site_text(message):
    """A text stored in the database, in the site's language."""
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def _scrub(value, needles, replacement):
    """``value`` (JSON) with every occurrence of the ``needles`` replaced."""
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, replacement)
        return value
    if isinstance(value, list):
        return [_scrub(item, needles, replacement) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, needles, replacement) for key, item in value.items()}
    return value


def _needles(member):
    name = f"{member.first_name} {member.last_name}".strip()
    return [needle for needle in (name, member.email) if needle]


# --- the member's own row -------------------------------------------------------------------------

for _name, _rule in {
    "id": {"keep": "The technical key: kept contributions and records point to it."},
    "password": {"value": lambda member: make_password(None)},  # unusable: no login
    "last_login": {"value": None},
    "is_superuser": {"value": False},
    "is_staff": {"value": False},
    "is_active": {"value": False},
    "date_joined": {"keep": "When the account was created: not identifying once anonymised."},
    "email": {"value": lambda member: f"former-member-{member.pk}@{ERASED_EMAIL_DOMAIN}"},
    "first_name": {"value": ""},
    "last_name": {"value": ""},
    "kind": {"value": ProfileKind.RESIDENT},
    "commune": {"value": None},
    "photo": {"value": ""},
    "bio": {"value": ""},
    "website": {"value": ""},
    "links": {"value": lambda member: []},
    "directory_visibility": {"value": DirectoryVisibility.HIDDEN},
    "terms_accepted_at": {"value": None},
}.items():
    registry.erase_member_field(_name, **_rule)


# --- accounts, allauth, Django's admin ------------------------------------------------------------

registry.export(
    "account.EmailAddress.user",
    section="email_addresses",
    fields=("email", "verified", "primary"),
    queryset=lambda member: EmailAddress.objects.filter(user=member).order_by("pk"),
)
registry.erase("account.EmailAddress.user", action=DELETE)

registry.export(
    "mfa.Authenticator.user",
    section="two_factor_authentication",
    # The type and dates only: never the secret or the recovery codes.
    fields=("type", "created_at", "last_used_at"),
    queryset=lambda member: Authenticator.objects.filter(user=member).order_by("pk"),
)
registry.erase("mfa.Authenticator.user", action=DELETE)


def _end_sessions(context):
    sessions = list(UserSession.objects.filter(user=context.member))
    for session in sessions:
        session.end()  # deletes the session from the session store too
    context.count("usersessions.UserSession.user", len(sessions))


registry.export(
    "usersessions.UserSession.user",
    section="sessions",
    fields=("created_at", "last_seen_at", "ip", "user_agent"),
    queryset=lambda member: UserSession.objects.filter(user=member).order_by("-last_seen_at"),
)
registry.erase("usersessions.UserSession.user", action=CUSTOM, handler=_end_sessions)

registry.export(
    "accounts.User_groups.user",
    section="staff_roles",
    fields=(("role", lambda row: row.group.name),),
    queryset=lambda member: User.groups.through.objects.filter(user=member).select_related("group"),
)
registry.erase("accounts.User_groups.user", action=DELETE)
registry.export(
    "accounts.User_user_permissions.user",
    section="staff_permissions",
    fields=(("permission", lambda row: str(row.permission)),),
    queryset=lambda member: User.user_permissions.through.objects.filter(
        user=member
    ).select_related("permission__content_type"),
)
registry.erase("accounts.User_user_permissions.user", action=DELETE)

registry.export(
    "accounts.Mandate.user",
    section="mandates",
    fields=(
        "role",
        ("role_label", lambda row: row.get_role_display()),
        "territory",
        "status",
        "rejection_reason",
        "created_at",
        "reviewed_at",
    ),
    queryset=lambda member: Mandate.objects.filter(user=member).select_related("territory"),
)
registry.erase("accounts.Mandate.user", action=DELETE)
registry.not_exported("accounts.Mandate.reviewed_by", reason=STAFF_WORK)
registry.erase("accounts.Mandate.reviewed_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "accounts.ApiToken.user",
    section="api_tokens",
    # Never the key (only its hash is stored, and not exported either).
    fields=("name", "prefix", "created_at", "last_used_at"),
    queryset=lambda member: ApiToken.objects.filter(user=member).order_by("pk"),
)
registry.erase("accounts.ApiToken.user", action=DELETE)

registry.not_exported(
    "admin.LogEntry.user",
    reason="The admin's history of a staff member's changes to other members' items (mirrored "
    "in the audit log, whose own-actions part is exported).",
)
registry.erase("admin.LogEntry.user", action=KEEP, reason=STAFF_WORK)


# --- organisations --------------------------------------------------------------------------------


def _organisations_handover(context):
    """Organisations the member alone manages pass to their longest-standing other member;
    those with no other member are closed (taken offline: status "rejected" with the reason,
    their content kept; moderators may verify them again for a new team)."""
    from parvis.organisations.models import VerificationStatus

    for item in context.plan.organisations:
        organisation = item.organisation
        if item.successor is not None:
            OrganisationMembership.objects.filter(
                organisation=organisation, user=item.successor
            ).update(role=OrganisationRole.MANAGER)
            _audit(
                action="gdpr.organisation_handover",
                target=organisation,
                reason="Its only manager's account was erased: handed over.",
                data={"new_manager": item.successor.pk},
            )
            from parvis.notifications.services import notify

            notify(
                recipients=[item.successor],
                type_key="privacy.organisation_handed_over",
                target=organisation,
                context={"organisation": organisation.name},
            )
            context.count("organisations_handed_over", 1)
        else:
            organisation.status = VerificationStatus.REJECTED
            organisation.rejection_reason = _site_text(
                "Closed: its last manager deleted their account."
            )
            organisation.reviewed_at = context.now
            organisation.reviewed_by = None
            organisation.save(
                update_fields=["status", "rejection_reason", "reviewed_at", "reviewed_by"]
            )
            OrganisationInvitation.objects.filter(
                organisation=organisation, status=InvitationStatus.PENDING
            ).update(status=InvitationStatus.CANCELLED, responded_at=context.now)
            _audit(
                action="gdpr.organisation_close",
                target=organisation,
                reason="Its only member's account was erased: closed.",
            )
            context.count("organisations_closed", 1)
    deleted, _details = OrganisationMembership.objects.filter(user=context.member).delete()
    context.count("organisations.OrganisationMembership.user", deleted)


def _audit(**kwargs):
    """An entry made by the platform itself (no actor), as part of an erasure."""
    from parvis.moderation.audit import audit_record

    return audit_record(actor=None, **kwargs)


registry.export(
    "organisations.Organisation.created_by",
    section="organisations_created",
    fields=("name", "kind", "status", "created_at", ("url", lambda row: row.get_absolute_url())),
)
registry.erase("organisations.Organisation.created_by", action=SET_NULL)
registry.not_exported("organisations.Organisation.reviewed_by", reason=STAFF_WORK)
registry.erase("organisations.Organisation.reviewed_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "organisations.OrganisationMembership.user",
    section="organisation_roles",
    fields=("organisation", "role", "created_at"),
    queryset=lambda member: OrganisationMembership.objects.filter(user=member).select_related(
        "organisation"
    ),
)
registry.erase(
    "organisations.OrganisationMembership.user",
    action=CUSTOM,
    handler=_organisations_handover,
    order=HANDOVER,
)

registry.export(
    "organisations.OrganisationInvitation.invitee",
    section="organisation_invitations_received",
    fields=("organisation", "role", "status", "created_at", "responded_at"),
    queryset=lambda member: OrganisationInvitation.objects.filter(invitee=member).select_related(
        "organisation"
    ),
)
registry.erase("organisations.OrganisationInvitation.invitee", action=DELETE)
registry.export(
    "organisations.OrganisationInvitation.invited_by",
    section="organisation_invitations_sent",
    # Not the invitee: the invitation is theirs as much as the member's.
    fields=("organisation", "role", "status", "created_at"),
    queryset=lambda member: OrganisationInvitation.objects.filter(invited_by=member).select_related(
        "organisation"
    ),
)
registry.erase("organisations.OrganisationInvitation.invited_by", action=SET_NULL)


# --- agenda ---------------------------------------------------------------------------------------


def _events(context):
    """Kept (shown as by a former member), or deleted at the member's choice — except the
    events of an organisation that goes on, which are the organisation's. Participants of
    a deleted event's dates to come are told it is cancelled."""
    if not context.delete_contributions:
        return
    from parvis.agenda.activities import participants_tell_cancellation

    events = selectors_own_events(context).select_related("commune")
    deleted = 0
    for event in events:
        if event.status == EventStatus.PUBLISHED:
            participants_tell_cancellation(
                event=event,
                actor=context.member,  # not told themselves
                reason=_site_text("Its organiser deleted their account."),
                gone=True,
            )
        context.forget_file(event.image)
        event.audience.clear()
        event.delete()
        deleted += 1
    context.count("agenda.Event.created_by (deleted)", deleted)


def selectors_own_events(context):
    from .selectors import own_events

    return own_events(context.member, context.plan.closed_organisation_ids)


def _rsvps(context):
    """Participations deleted; the counters of the dates to come go down (a past date keeps
    its count: statistics, not personal data)."""
    rsvps = Rsvp.objects.filter(user=context.member)
    upcoming = list(
        rsvps.filter(occurrence__end__gt=context.now).values_list("occurrence_id", flat=True)
    )
    EventOccurrence.objects.filter(pk__in=upcoming, rsvp_count__gt=0).update(
        rsvp_count=F("rsvp_count") - 1
    )
    deleted, _details = rsvps.delete()
    context.count("agenda.Rsvp.user", deleted)


registry.export(
    "agenda.Event.created_by",
    section="events_created",
    fields=(
        "title",
        "description",
        "category",
        "status",
        "start",
        "end",
        "all_day",
        "rrule",
        "exdates",
        "venue_name",
        "address",
        "commune",
        "organisation",
        "group",
        "image",
        "is_free",
        "price",
        "accessibility",
        "accessibility_details",
        "external_url",
        "capacity",
        "audience",
        "rejection_reason",
        "cancellation_reason",
        "created_at",
        "published_at",
        ("url", lambda row: row.get_absolute_url()),
    ),
    files=("image",),
    queryset=lambda member: (
        Event.objects.filter(created_by=member)
        .select_related("category", "commune", "organisation", "group")
        .prefetch_related("audience")
        .order_by("start", "pk")
    ),
)
registry.erase("agenda.Event.created_by", action=CUSTOM, handler=_events)
registry.not_exported("agenda.Event.reviewed_by", reason=STAFF_WORK)
registry.erase("agenda.Event.reviewed_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "agenda.Rsvp.user",
    section="event_participations",
    fields=(
        ("event", lambda row: row.occurrence.event.title),
        ("date", lambda row: row.occurrence.start),
        ("url", lambda row: row.occurrence.event.get_absolute_url()),
        "created_at",
    ),
    queryset=lambda member: (
        Rsvp.objects.filter(user=member)
        .select_related("occurrence__event")
        .order_by("occurrence__start")
    ),
)
registry.erase("agenda.Rsvp.user", action=CUSTOM, handler=_rsvps)


# --- news -----------------------------------------------------------------------------------------


def _posts(context):
    """Kept (the publisher reads "former member" for an official's post), or deleted at the
    member's choice — except an organisation's posts, when the organisation goes on."""
    if not context.delete_contributions:
        return
    from .selectors import own_posts

    deleted = 0
    for post in own_posts(context.member, context.plan.closed_organisation_ids):
        context.forget_file(post.image)
        post.audience.clear()
        post.delete()
        deleted += 1
    context.count("news.Post.author (deleted)", deleted)


registry.export(
    "news.Post.author",
    section="posts",
    fields=(
        "title",
        "body",
        "category",
        "organisation",
        "status",
        "publish_at",
        "expires_at",
        "image",
        "image_alt",
        "audience",
        "moderation_reason",
        "created_at",
        ("url", lambda row: row.get_absolute_url()),
    ),
    files=("image",),
    queryset=lambda member: (
        Post.objects.filter(author=member)
        .select_related("category", "organisation")
        .prefetch_related("audience")
        .order_by("created_at", "pk")
    ),
)
registry.erase("news.Post.author", action=CUSTOM, handler=_posts)
registry.not_exported("news.Post.unpublished_by", reason=STAFF_WORK)
registry.erase("news.Post.unpublished_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "news.Follow.user",
    section="follows",
    fields=(
        "territory",
        "organisation",
        ("elected_official", lambda row: row.followed_user),
        "created_at",
    ),
    queryset=lambda member: Follow.objects.filter(user=member).select_related(
        "territory", "organisation", "followed_user"
    ),
)
registry.erase("news.Follow.user", action=DELETE)
registry.not_exported(
    "news.Follow.followed_user",
    reason="Who follows the member is each follower's data (their page shows only a count).",
)
registry.erase("news.Follow.followed_user", action=DELETE)


# --- groups ---------------------------------------------------------------------------------------


def _groups_handover(context):
    """Leave every group under the groups' "no orphan" rule (ownership passes to the
    longest-standing moderator, else member); a group left with no member is closed. Then
    the membership rows go."""
    from parvis.groups.services import memberships_release

    group_ids = list(
        Membership.objects.filter(user=context.member, state=MembershipState.ACTIVE).values_list(
            "group_id", flat=True
        )
    )
    memberships_release(user=context.member)
    empty = Group.objects.filter(pk__in=group_ids, status=GroupStatus.ACTIVE).exclude(
        pk__in=Membership.objects.filter(state=MembershipState.ACTIVE, user__is_active=True).values(
            "group_id"
        )
    )
    closed = empty.update(
        status=GroupStatus.CLOSED,
        status_reason=_site_text("Closed: its owner deleted their account and no member was left."),
        status_changed_at=context.now,
        status_changed_by=None,
        updated_at=timezone.now(),
    )
    context.count("groups_closed", closed)
    context.count("groups_handed_over", sum(1 for item in context.plan.groups if item.successor))
    deleted, _details = Membership.objects.filter(user=context.member).delete()
    context.count("groups.Membership.user", deleted)


def _threads(context):
    """Kept without their author; deleted at the member's choice when nobody else wrote in
    them (a discussion others answered stays, its title too, so their replies keep their
    context)."""
    threads = Thread.objects.filter(author=context.member)
    if context.delete_contributions:
        deleted = 0
        for thread in threads.exclude(
            pk__in=Message.objects.exclude(author=context.member).values("thread_id")
        ):
            if thread.deleted_at is None:
                Group.objects.filter(pk=thread.group_id, thread_count__gt=0).update(
                    thread_count=F("thread_count") - 1
                )
            thread.delete()
            deleted += 1
        context.count("groups.Thread.author (deleted)", deleted)
    context.count("groups.Thread.author", threads.update(author=None))


def _messages(context):
    """Kept without their author (their former versions deleted), or erased at the member's
    choice: the text goes, a "message deleted" note keeps the discussion readable."""
    messages = Message.objects.filter(author=context.member)
    MessageRevision.objects.filter(message__author=context.member).delete()
    if context.delete_contributions:
        Mention.objects.filter(message__author=context.member).delete()
        erased = messages.filter(deleted_at__isnull=True).update(
            body="", body_html="", deletion_reason="", deleted_at=context.now
        )
        messages.update(body="", body_html="")
        context.count("groups.Message.author (erased)", erased)
    context.count("groups.Message.author", messages.update(author=None))


registry.export(
    "groups.Group.created_by",
    section="groups_created",
    fields=(
        "name",
        "description",
        "theme",
        "visibility",
        "join_policy",
        "status",
        "image",
        "created_at",
        ("url", lambda row: row.get_absolute_url()),
    ),
    files=("image",),
)
registry.erase("groups.Group.created_by", action=SET_NULL)
registry.not_exported("groups.Group.status_changed_by", reason=STAFF_WORK)
registry.erase("groups.Group.status_changed_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "groups.Membership.user",
    section="group_memberships",
    fields=("group", "role", "state", "joined_at", "left_at"),
    queryset=lambda member: Membership.objects.filter(user=member).select_related("group"),
)
registry.erase("groups.Membership.user", action=CUSTOM, handler=_groups_handover, order=HANDOVER)

registry.export(
    "groups.JoinRequest.user",
    section="group_membership_requests",
    fields=("group", "message", "status", "created_at", "decided_at", "decision_message"),
    queryset=lambda member: JoinRequest.objects.filter(user=member).select_related("group"),
)
registry.erase("groups.JoinRequest.user", action=DELETE)
registry.not_exported("groups.JoinRequest.decided_by", reason=STAFF_WORK)
registry.erase("groups.JoinRequest.decided_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "groups.Invitation.invitee",
    section="group_invitations_received",
    fields=("group", "message", "status", "created_at", "responded_at"),
    queryset=lambda member: Invitation.objects.filter(invitee=member).select_related("group"),
)
registry.erase("groups.Invitation.invitee", action=DELETE)
registry.export(
    "groups.Invitation.invited_by",
    section="group_invitations_sent",
    fields=("group", "message", "status", "created_at"),
    queryset=lambda member: Invitation.objects.filter(invited_by=member).select_related("group"),
)
registry.erase("groups.Invitation.invited_by", action=SET_NULL)

registry.export(
    "groups.Ban.user",
    section="group_bans",
    fields=("group", "reason", "created_at"),
    queryset=lambda member: Ban.objects.filter(user=member).select_related("group"),
)
registry.erase("groups.Ban.user", action=DELETE)
registry.not_exported("groups.Ban.banned_by", reason=STAFF_WORK)
registry.erase("groups.Ban.banned_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "groups.Thread.author",
    section="group_discussions_started",
    fields=(
        "group",
        "title",
        "created_at",
        "deleted_at",
        ("url", lambda row: row.get_absolute_url()),
    ),
    queryset=lambda member: (
        Thread.objects.filter(author=member).select_related("group").order_by("created_at", "pk")
    ),
)
registry.erase("groups.Thread.author", action=CUSTOM, handler=_threads, order=CONTRIBUTIONS - 5)
registry.not_exported("groups.Thread.deleted_by", reason=STAFF_WORK)
registry.erase("groups.Thread.deleted_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "groups.Message.author",
    section="group_messages",
    # The member's own messages only; never the messages of others around them.
    fields=(
        ("group", lambda row: row.thread.group.name),
        ("discussion", lambda row: row.thread.title),
        "position",
        "body",
        "created_at",
        "edited_at",
        "deleted_at",
        (
            "former_versions",
            lambda row: [
                {"text": revision.body, "written_at": revision.written_at}
                for revision in row.revisions.all()
            ],
        ),
    ),
    queryset=lambda member: (
        Message.objects.filter(author=member)
        .select_related("thread__group")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    ),
)
registry.erase("groups.Message.author", action=CUSTOM, handler=_messages)
registry.not_exported("groups.Message.deleted_by", reason=STAFF_WORK)
registry.erase("groups.Message.deleted_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "groups.Mention.user",
    section="group_mentions",
    # Where and when; the message itself is its author's.
    fields=("created_at", ("url", lambda row: row.message.get_absolute_url())),
    queryset=lambda member: Mention.objects.filter(user=member).select_related(
        "message__thread__group"
    ),
)
registry.erase("groups.Mention.user", action=DELETE)

registry.export(
    "groups.ThreadRead.user",
    section="group_reading_positions",
    fields=(("discussion", lambda row: row.thread.title), "read_at", "last_position"),
    queryset=lambda member: ThreadRead.objects.filter(user=member).select_related("thread"),
)
registry.erase("groups.ThreadRead.user", action=DELETE)


# --- notifications --------------------------------------------------------------------------------


def _notification_text(row):
    from parvis.notifications.emails import notification_text

    return notification_text(row)


def _scrub_notifications(context):
    """Other members' notifications about something the member did: the actor goes, and
    their name is replaced in what the notifications stored."""
    needles = _needles(context.member)
    notifications = Notification.objects.filter(actor=context.member)
    for notification in notifications.only("pk", "params").iterator(chunk_size=500):
        params = _scrub(notification.params, needles, context.former_member)
        if params != notification.params:
            Notification.objects.filter(pk=notification.pk).update(params=params)
    context.count("notifications.Notification.actor", notifications.update(actor=None))


registry.export(
    "notifications.Notification.recipient",
    section="notifications",
    fields=(
        "type_key",
        ("text", _notification_text),
        "url",
        "created_at",
        "read_at",
    ),
    queryset=lambda member: (
        Notification.objects.filter(recipient=member)
        .select_related("actor")
        .order_by("created_at", "pk")
    ),
)
registry.erase("notifications.Notification.recipient", action=DELETE)
registry.not_exported("notifications.Notification.actor", reason=OTHERS_DATA)
registry.erase(
    "notifications.Notification.actor",
    action=CUSTOM,
    handler=_scrub_notifications,
    order=registry.LAST - 5,
)


def _scrub_activities_told(context):
    """Activities the member did, waiting to be told or told lately: the actor goes, and
    their name is replaced in what the activities stored."""
    needles = _needles(context.member)
    activities = NotificationActivity.objects.filter(actor=context.member)
    for activity in activities.only("pk", "data").iterator(chunk_size=500):
        data = _scrub(activity.data, needles, context.former_member)
        if data != activity.data:
            NotificationActivity.objects.filter(pk=activity.pk).update(data=data)
    context.count("notifications.Activity.actor", activities.update(actor=None))


registry.not_exported(
    "notifications.Activity.actor",
    reason="The activity outbox: what it told the member is exported as their notifications; "
    "what the member did is exported with their contributions.",
)
registry.erase(
    "notifications.Activity.actor",
    action=CUSTOM,
    handler=_scrub_activities_told,
    order=registry.LAST - 5,
)

registry.export(
    "notifications.NotificationPreference.member",
    section="notification_preferences",
    fields=("type_key", "delivery"),
)
registry.erase("notifications.NotificationPreference.member", action=DELETE)

registry.export(
    "notifications.EmailOutbox.recipient",
    section="emails",
    fields=("kind", "state", "created_at", "sent_at"),
    queryset=lambda member: EmailOutbox.objects.filter(recipient=member).order_by(
        "created_at", "pk"
    ),
)
registry.erase("notifications.EmailOutbox.recipient", action=DELETE)


# --- consultations --------------------------------------------------------------------------------


def _comments(context):
    """Kept without their author, or erased at the member's choice (a "message deleted"
    note stays in the discussion)."""
    comments = Comment.objects.filter(author=context.member)
    if context.delete_contributions:
        erased = comments.filter(deleted_at__isnull=True).update(
            body="", deleted_at=context.now, deletion_reason=""
        )
        comments.update(body="")
        context.count("consultations.Comment.author (erased)", erased)
    context.count("consultations.Comment.author", comments.update(author=None))


def _answers(row):
    return [
        {
            "question": answer.question.text,
            "options": [option.label for option in answer.options.all()],
            "scale": answer.scale,
            "text": answer.text,
        }
        for answer in row.answers.all()
    ]


registry.export(
    "consultations.Consultation.created_by",
    section="consultations_created",
    fields=("title", "organisation", "status", "opens_at", "closes_at", "created_at"),
)
registry.erase("consultations.Consultation.created_by", action=SET_NULL)

registry.export(
    "consultations.Response.member",
    section="consultation_answers",
    fields=(
        "consultation",
        ("commune_at_answer_time", lambda row: row.commune),
        "created_at",
        "updated_at",
        ("answers", _answers),
    ),
    queryset=lambda member: (
        Response.objects.filter(member=member)
        .select_related("consultation", "commune")
        .prefetch_related("answers__question", "answers__options")
    ),
)
# The results do not change: the answers stay, without the member (anonymous statistics).
registry.erase("consultations.Response.member", action=SET_NULL)

registry.export(
    "consultations.Comment.author",
    section="consultation_comments",
    fields=("consultation", "body", "created_at", "deleted_at"),
    queryset=lambda member: Comment.objects.filter(author=member).select_related("consultation"),
)
registry.erase("consultations.Comment.author", action=CUSTOM, handler=_comments)
registry.not_exported("consultations.Comment.deleted_by", reason=STAFF_WORK)
registry.erase("consultations.Comment.deleted_by", action=KEEP, reason=STAFF_WORK)


# --- moderation -----------------------------------------------------------------------------------

MODERATION_RECORD = (
    "A moderation record (Digital Services Act: decisions, their statements of reasons, "
    "appeals and sanctions are kept for accountability); it points to the anonymised account."
)


def _moderation_cases(context):
    """Cases about the member's items stay (moderation record); a case about their profile
    no longer names them."""
    user_type = ContentType.objects.get_for_model(User)
    ModerationCase.objects.filter(content_type=user_type, object_id=context.member.pk).update(
        object_repr=context.former_member
    )


registry.not_exported(
    "moderation.ModerationCase.author",
    reason="Cases about the member's items: the decisions taken are exported "
    "(moderation_decisions); the reports would reveal who reported.",
)
registry.erase(
    "moderation.ModerationCase.author",
    action=CUSTOM,
    handler=_moderation_cases,
    order=registry.LAST,
)

registry.export(
    "moderation.Report.reporter",
    section="reports_made",
    fields=(
        ("item", lambda row: row.case.object_repr),
        "reason",
        "details",
        "created_at",
        ("case_status", lambda row: row.case.status),
        "outcome_sent_at",
    ),
    queryset=lambda member: Report.objects.filter(reporter=member).select_related("case"),
)
registry.erase("moderation.Report.reporter", action=DELETE)

registry.not_exported("moderation.Decision.moderator", reason=STAFF_WORK)
registry.erase("moderation.Decision.moderator", action=KEEP, reason=STAFF_WORK)
registry.export(
    "moderation.Decision.author",
    section="moderation_decisions",
    # What the statement of reasons told the member; not who reported, not the moderator.
    fields=(
        ("item", lambda row: row.case.object_repr),
        "action",
        "ground",
        "facts",
        "hide_content",
        "suspension_days",
        "created_at",
        ("statement_url", lambda row: row.get_absolute_url()),
    ),
    queryset=lambda member: Decision.objects.filter(author=member).select_related("case"),
)
registry.erase("moderation.Decision.author", action=KEEP, reason=MODERATION_RECORD)

registry.export(
    "moderation.Appeal.appellant",
    section="appeals",
    fields=(
        ("decision", lambda row: str(row.decision)),
        "statement",
        "status",
        "outcome_reason",
        "created_at",
        "decided_at",
    ),
)
registry.erase("moderation.Appeal.appellant", action=KEEP, reason=MODERATION_RECORD)
registry.not_exported("moderation.Appeal.decided_by", reason=STAFF_WORK)
registry.erase("moderation.Appeal.decided_by", action=KEEP, reason=STAFF_WORK)

registry.export(
    "moderation.Sanction.user",
    section="sanctions",
    fields=("kind", "starts_at", "ends_at", "lifted_at"),
)
registry.erase("moderation.Sanction.user", action=KEEP, reason=MODERATION_RECORD)

registry.export(
    "moderation.AuditEntry.actor",
    section="audit_log",
    # What the member did; not the details, which may name the members they acted on.
    fields=(
        "action",
        "created_at",
        ("target_type", lambda row: str(row.target_content_type or "")),
    ),
    queryset=lambda member: (
        AuditEntry.objects.filter(actor=member)
        .select_related("target_content_type")
        .order_by("created_at", "pk")
    ),
)
registry.erase(
    "moderation.AuditEntry.actor",
    action=KEEP,
    reason="The audit log is immutable and kept for accountability (GDPR art. 5(2)).",
)


# --- this app -------------------------------------------------------------------------------------


def _exports(context):
    """The member's archives: files and rows deleted."""
    from .services import private_storage

    storage = private_storage()
    exports = DataExport.objects.filter(member=context.member)
    for name in exports.exclude(file_name="").values_list("file_name", flat=True):
        context.files.append((storage, name))
    deleted, _details = exports.delete()
    context.count("privacy.DataExport.member", deleted)


registry.export(
    "privacy.DataExport.member",
    section="data_exports",
    fields=("status", "requested_at", "ready_at", "expires_at", "downloaded_at"),
)
registry.erase("privacy.DataExport.member", action=CUSTOM, handler=_exports)

registry.export(
    "privacy.InactivityNotice.member",
    section="inactivity_notices",
    fields=("warned_at", "erasure_after"),
    queryset=lambda member: InactivityNotice.objects.filter(member=member),
)
registry.erase("privacy.InactivityNotice.member", action=DELETE)
