"""Writes of the private conversations. Every refusal is a ``ValidationError`` (or
``PermissionDenied``) with a message for the member, raised before anything is written; the
pages, the API and the admin call these same functions."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.models import User
from parvis.agenda.selectors import user_organises
from parvis.core.images import process_image
from parvis.moderation.safeguards import (
    check_links_allowed,
    check_not_sanctioned,
    check_posting_allowed,
)
from parvis.notifications.activities import activity_record
from parvis.organisations.selectors import membership_role, organisation_is_visible_to

from . import selectors
from .models import (
    BODY_MAX_LENGTH,
    MAX_EVENT_PARTICIPANTS,
    MAX_PARTICIPANTS,
    SUBJECT_MAX_LENGTH,
    AcceptFrom,
    Block,
    Conversation,
    Delegation,
    Message,
    MessagingPreference,
    OrganisationContact,
    Participant,
    ParticipantRole,
)
from .signals import team_join, team_leave

#: A member sends at most this many private messages in ``FLOOD_WINDOW``.
FLOOD_LIMIT = 20
FLOOD_WINDOW = dt.timedelta(minutes=5)
#: The kind counted by the new accounts' daily allowance (``moderation.safeguards``).
POSTING_KIND = "private_message"
NEW_MESSAGE = "conversations.new_message"


# --- checks ---------------------------------------------------------------------------------


def _clean_subject(subject):
    subject = (subject or "").replace("\x00", "").strip()
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(
            {
                "subject": _("The subject is too long (%(max)d characters at most).")
                % {"max": SUBJECT_MAX_LENGTH}
            }
        )
    return subject


def _clean_body(body, attachment):
    body = (body or "").replace("\x00", "").strip()
    if not body and attachment is None:
        raise ValidationError({"body": _("Write a message (or attach an image).")})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _(
                    "The message is too long: %(max)d characters at most (it has %(length)d)."
                )
                % {"max": BODY_MAX_LENGTH, "length": len(body)}
            }
        )
    return body


def _clean_attachment(attachment):
    """The uploaded image, checked and re-encoded (``core.images``), or ``None``."""
    if not attachment:
        return None
    try:
        return process_image(attachment, max_size=(1600, 1600))
    except ValidationError as error:
        raise ValidationError({"attachment": error.messages}) from None


def _check_sender(author, body):
    """The safeguards every message passes: an identified active member, not sanctioned, not
    flooding; a new account's links and daily allowance (``moderation.safeguards``)."""
    if not author.is_authenticated or not author.is_active:
        raise PermissionDenied(_("Log in to send messages."))
    check_not_sanctioned(author)
    recent = Message.objects.filter(
        sender=author, created_at__gte=timezone.now() - FLOOD_WINDOW
    ).count()
    if recent >= FLOOD_LIMIT and not author.is_staff:
        raise ValidationError(
            _("You have sent many messages in a few minutes: wait a little, then try again."),
            code="rate_limited",
        )
    check_links_allowed(author, body)


def _count_post(author):
    """Counted last, once every other check passed (a refusal costs nothing)."""
    check_posting_allowed(author, POSTING_KIND)


# --- writing --------------------------------------------------------------------------------


def _sync_team(conversation, now):
    """Bring the team rows in step with the organisation's managers or the official's team:
    newcomers join, those who left the team leave."""
    team = selectors.team_of(conversation)
    if team is None:
        return
    team_ids = set(team.values_list("pk", flat=True))
    rows = {
        row.user_id: row
        for row in Participant.objects.filter(conversation=conversation).only(
            "pk", "user_id", "role", "left_at"
        )
    }
    Participant.objects.filter(
        conversation=conversation, role=ParticipantRole.TEAM, left_at__isnull=True
    ).exclude(user__in=team_ids).update(left_at=now)
    Participant.objects.filter(
        conversation=conversation, role=ParticipantRole.TEAM, user__in=team_ids
    ).exclude(left_at=None).update(left_at=None)
    Participant.objects.bulk_create(
        [
            Participant(conversation=conversation, user_id=pk, role=ParticipantRole.TEAM)
            for pk in team_ids
            if pk not in rows
        ],
        ignore_conflicts=True,
    )


def _append(conversation, *, sender, body, image, role):
    now = timezone.now()
    message = Message(conversation=conversation, sender=sender, body=body, created_at=now)
    if role == ParticipantRole.TEAM:
        if conversation.organisation_id:
            message.organisation_id = conversation.organisation_id
        elif conversation.official_id and conversation.official_id != sender.pk:
            message.for_official = True
    if image is not None:
        message.attachment.save(image.name, image, save=False)
    message.save()
    _sync_team(conversation, now)
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=now, message_count=F("message_count") + 1
    )
    conversation.last_message_at = now
    Participant.objects.filter(conversation=conversation, user=sender).update(last_read_at=now)
    recipients = (
        User.objects.filter(
            conversation_entries__conversation=conversation,
            conversation_entries__left_at__isnull=True,
            is_active=True,
        )
        .exclude(pk=sender.pk)
        .exclude(message_blocks__blocked=sender)
    )
    member_ids = list(
        Participant.objects.filter(conversation=conversation, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    transaction.on_commit(lambda: selectors.forget_unread(member_ids))
    activity_record(
        kind=NEW_MESSAGE,
        actor=sender,
        target=conversation,
        recipients=recipients,
        data={"sender": selectors.sender_label(message, conversation)},
    )
    return message


def conversation_start(
    *,
    author: User,
    body: str,
    subject: str = "",
    recipients=(),
    organisation=None,
    official: User | None = None,
    event=None,
    attachment=None,
) -> Conversation:
    """Start a conversation and send its first message: with members (``recipients``, up to
    ``MAX_PARTICIPANTS`` people in all), with ``organisation`` (its managers), with
    ``official`` (and their delegates), or, for an event's organiser, with its participants
    (``event``). Each recipient's choices and blocks are honoured: a refusal names who."""
    targets = [bool(recipients), organisation is not None, official is not None, event is not None]
    if sum(targets) != 1:
        raise ValidationError(_("Choose whom to write to."))
    subject = _clean_subject(subject)
    body = _clean_body(body, attachment)
    if not author.is_authenticated or not author.is_active:
        raise PermissionDenied(_("Log in to send messages."))
    members, team = [], None
    if recipients:
        members = list(dict.fromkeys(recipients))
        if len(members) + 1 > MAX_PARTICIPANTS:
            raise ValidationError(
                _("A conversation has %(max)d participants at most.") % {"max": MAX_PARTICIPANTS}
            )
        for recipient in members:
            refusal = selectors.refusal_to_write(author, recipient)
            if refusal:
                raise ValidationError(refusal, code="refused")
    elif organisation is not None:
        if not organisation.is_verified or not organisation_is_visible_to(organisation, author):
            raise ValidationError(_("This organisation cannot receive messages yet."))
        if membership_role(author, organisation) is not None:
            raise ValidationError(_("You are part of this organisation's team."))
        if not selectors.organisation_contact_open(organisation):
            raise ValidationError(
                _("%(name)s does not receive private messages.") % {"name": organisation.name},
                code="refused",
            )
        team = list(selectors.organisation_team(organisation))
        if not team:
            raise ValidationError(_("This organisation has nobody to answer messages."))
    elif official is not None:
        if not selectors.is_verified_official(official):
            raise ValidationError(_("This member is not a verified elected official."))
        team = list(selectors.official_team(official))
        if author.pk in {member.pk for member in team}:
            raise ValidationError(_("You are part of this elected official's team."))
        if not selectors.preference_of(official).official_contact_open:
            raise ValidationError(
                _("%(name)s does not receive private messages as an elected official.")
                % {"name": official.get_full_name()},
                code="refused",
            )
        if selectors.has_blocked(official, author):
            raise ValidationError(
                _("%(name)s does not accept your messages.") % {"name": official.get_full_name()},
                code="refused",
            )
    else:
        if not user_organises(author, event):
            raise PermissionDenied(_("Only the event's organisers may write to its participants."))
        members = list(_event_audience(event, author))
        if not members:
            raise ValidationError(_("Nobody who takes part in this event can receive messages."))
        subject = subject or event.title[:SUBJECT_MAX_LENGTH]
    image = _clean_attachment(attachment)
    _check_sender(author, f"{subject}\n{body}")
    _count_post(author)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            subject=subject,
            created_by=author,
            organisation=organisation,
            official=official,
            event=event,
        )
        rows = [
            Participant(conversation=conversation, user=author, role=ParticipantRole.MEMBER),
            *(
                Participant(conversation=conversation, user=member, role=ParticipantRole.MEMBER)
                for member in members
            ),
        ]
        Participant.objects.bulk_create(rows)
        _append(conversation, sender=author, body=body, image=image, role=ParticipantRole.MEMBER)
    return conversation


def _event_audience(event, author):
    """The participants of ``event`` (any date) who may be written to: not the author, not
    those who blocked them nor those who receive no messages at all."""
    return (
        User.objects.filter(rsvps__occurrence__event=event, is_active=True)
        .exclude(pk=author.pk)
        .exclude(message_blocks__blocked=author)
        .exclude(messaging_preference__accept_from=AcceptFrom.NOBODY)
        .distinct()
        .order_by("pk")[:MAX_EVENT_PARTICIPANTS]
    )


def message_send(*, conversation: Conversation, sender: User, body: str, attachment=None):
    """Add a message to ``conversation`` (the sender takes part in it). A conversation where a
    member who blocked the sender takes part refuses it."""
    body = _clean_body(body, attachment)
    participation = selectors.participation_in(conversation, sender)
    if participation is None:
        raise PermissionDenied(_("You do not take part in this conversation."))
    blocked_by = Participant.objects.filter(
        conversation=conversation,
        left_at__isnull=True,
        role=ParticipantRole.MEMBER,
        user__message_blocks__blocked=sender,
    ).exists()
    if blocked_by:
        raise ValidationError(
            _(
                "You can no longer write in this conversation: one of its participants does "
                "not accept your messages."
            ),
            code="refused",
        )
    if (
        not Participant.objects.filter(conversation=conversation, left_at__isnull=True)
        .exclude(user=sender)
        .exists()
    ):
        raise ValidationError(_("Everybody else left this conversation."))
    image = _clean_attachment(attachment)
    _check_sender(sender, body)
    _count_post(sender)
    with transaction.atomic():
        return _append(conversation, sender=sender, body=body, image=image, role=participation.role)


def conversation_mark_read(*, participant: Participant) -> None:
    now = timezone.now()
    Participant.objects.filter(pk=participant.pk).update(last_read_at=now)
    participant.last_read_at = now
    selectors.forget_unread([participant.user_id])


def conversation_leave(*, conversation: Conversation, user: User) -> None:
    """``user`` leaves the conversation: they no longer see it nor receive its messages. A
    team member leaves by leaving the team."""
    participation = selectors.participation_in(conversation, user)
    if participation is None:
        raise PermissionDenied(_("You do not take part in this conversation."))
    if participation.role == ParticipantRole.TEAM:
        raise ValidationError(
            _("You answer for an organisation or an elected official here: you cannot leave.")
        )
    Participant.objects.filter(pk=participation.pk).update(left_at=timezone.now())
    selectors.forget_unread([user.pk])


# --- settings -------------------------------------------------------------------------------


def preference_set(*, user: User, accept_from: str, official_contact_open: bool = True):
    if accept_from not in AcceptFrom.values:
        raise ValidationError({"accept_from": _("Choose who may write to you.")})
    MessagingPreference.objects.update_or_create(
        user=user,
        defaults={
            "accept_from": accept_from,
            "official_contact_open": bool(official_contact_open),
            "updated_at": timezone.now(),
        },
    )


def organisation_contact_set(*, organisation, actor: User, open: bool) -> None:
    if membership_role(actor, organisation) != "manager":
        raise PermissionDenied(_("Only the organisation's managers may change this."))
    OrganisationContact.objects.update_or_create(
        organisation=organisation, defaults={"open": bool(open), "updated_at": timezone.now()}
    )


def block_create(*, blocker: User, blocked: User) -> Block:
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."))
    if not blocker.is_authenticated:
        raise PermissionDenied(_("Log in to block a member."))
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def block_delete(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def delegation_add(*, official: User, email: str) -> Delegation:
    """``official`` lets the member with ``email`` read and answer their messages."""
    if not selectors.is_verified_official(official):
        raise PermissionDenied(_("Only verified elected officials delegate their messages."))
    delegate = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if delegate is None:
        raise ValidationError({"email": _("No member has this e-mail address.")})
    if delegate.pk == official.pk:
        raise ValidationError({"email": _("You cannot delegate to yourself.")})
    with transaction.atomic():
        delegation, _created = Delegation.objects.get_or_create(
            official=official, delegate=delegate
        )
        team_join(delegate.pk, Conversation.objects.filter(official=official))
    return delegation


def delegation_remove(*, official: User, delegate_id: int) -> None:
    with transaction.atomic():
        Delegation.objects.filter(official=official, delegate_id=delegate_id).delete()
        team_leave(delegate_id, Conversation.objects.filter(official=official))


# --- moderation -----------------------------------------------------------------------------


def message_remove(*, message: Message, moderator=None) -> Message:
    """A moderation decision removes a reported message: its text and image are erased, a
    note keeps the conversation readable."""
    if message.attachment:
        message.attachment.delete(save=False)
    message.body = ""
    message.attachment = ""
    message.removed_at = timezone.now()
    message.removed_by = moderator
    message.save(update_fields=["body", "attachment", "removed_at", "removed_by"])
    return message
