"""Discussions and messages: starting a thread, replying (quotes, @mentions), editing,
deleting and restoring; pinning, locking and moving threads; read markers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.core import pagecache
from parvis.core.richtext import render_markdown
from parvis.core.validators import validate_visible_text
from parvis.moderation.safeguards import (
    check_links_allowed,
    check_not_sanctioned,
    check_posting_allowed,
)
from parvis.moderation.selectors import hidden_from

from .. import mentions as mention_parser
from ..models import (
    ActivityKind,
    Audience,
    Group,
    Membership,
    MembershipState,
    Mention,
    Message,
    MessageRevision,
    Thread,
    ThreadRead,
)
from ..selectors import is_site_moderator, membership_of, mentionable_members
from .common import (
    MESSAGE_LIMIT,
    MESSAGE_MAX_LENGTH,
    MESSAGE_WINDOW,
    REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    _clean_text,
    _record,
    _require,
    _require_active_group,
    _require_site_moderator,
)


def _check_flood(author):
    if is_site_moderator(author):
        return
    recent = Message.objects.filter(
        author=author, created_at__gte=timezone.now() - MESSAGE_WINDOW
    ).count()
    if recent >= MESSAGE_LIMIT:
        raise ValidationError(
            _("You have posted many messages in a few minutes: wait a little, then try again."),
            code="rate_limited",
        )


def _check_moderation_safeguards(author, text):
    """The moderation app's safeguards (``parvis.moderation.safeguards``): a suspended or
    banned member may not post; a new account's text with many links is refused (messages
    have no review queue: the member is asked to remove links); a new account posts a few
    messages a day at most (threads and replies counted together, as ``"message"``)."""
    check_links_allowed(author, text)
    check_posting_allowed(author, "message")


def _clean_body(body):
    return _clean_text(body, field="body", label=_("The message"), max_length=MESSAGE_MAX_LENGTH)


def _record_mentions(message, *, group, author, already=()):
    """Record the @mentions of ``message`` (active members of ``group`` only, never the
    author, each once); returns the users newly mentioned."""
    handles = mention_parser.handles_in(message.body)
    if not handles:
        return []
    members = mentionable_members(group).exclude(pk=author.pk)
    resolved = mention_parser.resolve(handles, members)
    if resolved:
        # The handles of members become links to their profiles (the others stay text).
        message.body_html = mention_parser.render_with_links(message.body, resolved)
        message.save(update_fields=["body_html"])
    mentioned = [user for user in resolved if user.pk not in set(already)]
    Mention.objects.bulk_create(
        [Mention(message=message, user=user) for user in mentioned], ignore_conflicts=True
    )
    for user in mentioned:
        _record(
            ActivityKind.MENTION,
            group=group,
            audience=Audience.RECIPIENT,
            actor=author,
            thread=message.thread,
            message=message,
            recipient=user,
        )
    return mentioned


def _append_message(thread, *, author, body, quoted=None):
    """Add a message at the end of ``thread`` (locked), keeping the counters right."""
    now = timezone.now()
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    message = Message(
        thread=locked,
        position=locked.message_count + 1,
        author=author,
        body=body,
        body_html=render_markdown(body),
        quoted=quoted,
        created_at=now,
    )
    message.full_clean(exclude=["thread", "author", "quoted", "deleted_by"])
    message.save()
    Thread.objects.filter(pk=locked.pk).update(
        message_count=F("message_count") + 1, last_activity_at=now, last_message=message
    )
    Group.objects.filter(pk=locked.group_id).update(last_activity_at=now)
    ThreadRead.objects.update_or_create(
        user=author, thread=locked, defaults={"read_at": now, "last_position": message.position}
    )
    thread.message_count = locked.message_count + 1
    thread.last_activity_at = now
    thread.last_message = message
    message.thread = thread
    return message


def thread_create(*, group: Group, author: User, title: str, body: str) -> Thread:
    """Start a discussion (a title and a first message) in ``group``; its members are told,
    and the members it mentions."""
    title = _clean_text(title, field="title", label=_("The title"), max_length=TITLE_MAX_LENGTH)
    try:
        validate_visible_text(title)  # no bidirectional override disguising the title
    except ValidationError as error:
        raise ValidationError({"title": error.messages}) from None
    body = _clean_body(body)
    _require_active_group(group)
    _require(
        author,
        "groups.start_thread",
        group,
        _("Only the group's members may start a discussion."),
    )
    _check_flood(author)
    _check_moderation_safeguards(author, f"{title}\n{body}")
    with transaction.atomic():
        thread = Thread.objects.create(group=group, title=title, author=author)
        message = _append_message(thread, author=author, body=body)
        Group.objects.filter(pk=group.pk).update(thread_count=F("thread_count") + 1)
        mentioned = _record_mentions(message, group=group, author=author)
        _record(
            ActivityKind.NEW_THREAD,
            group=group,
            audience=Audience.GROUP_MEMBERS,
            actor=author,
            thread=thread,
            message=message,
            mentioned_ids=[user.pk for user in mentioned],
        )
    thread.group = group
    return thread


def message_post(
    *, thread: Thread, author: User, body: str, quoted: Message | None = None
) -> Message:
    """Reply in ``thread``, optionally quoting one of its messages (not a deleted one). The
    thread's participants are told, and the members the reply mentions."""
    body = _clean_body(body)
    group = thread.group
    if thread.deleted_at is not None:
        raise ValidationError(_("This discussion was deleted."))
    _require_active_group(group)
    if membership_of(author, group) is None:
        raise PermissionDenied(_("Only the group's members may reply."))
    if thread.locked and not author.has_perm("groups.reply_to_thread", thread):
        raise ValidationError(_("This discussion is locked: no more replies."))
    _require(author, "groups.reply_to_thread", thread, _("You may not reply here."))
    if quoted is not None:
        if quoted.thread_id != thread.pk:
            raise ValidationError({"quoted": _("You can only quote a message of this discussion.")})
        if quoted.deleted_at is not None:
            raise ValidationError({"quoted": _("This message was deleted: it cannot be quoted.")})
        if hidden_from(quoted, author):
            raise ValidationError(
                {"quoted": _("This message was hidden by moderation: it cannot be quoted.")}
            )
    _check_flood(author)
    _check_moderation_safeguards(author, body)
    with transaction.atomic():
        message = _append_message(thread, author=author, body=body, quoted=quoted)
        mentioned = _record_mentions(message, group=group, author=author)
        _record(
            ActivityKind.REPLY,
            group=group,
            audience=Audience.THREAD_PARTICIPANTS,
            actor=author,
            thread=thread,
            message=message,
            mentioned_ids=[user.pk for user in mentioned],
            quoted_author_id=quoted.author_id if quoted is not None else None,
        )
    return message


def message_edit(*, message: Message, editor: User, body: str) -> Message:
    """The author changes their message; the former text is kept (moderators see it).
    Members newly mentioned are told."""
    body = _clean_body(body)
    thread = message.thread
    if message.deleted_at is not None:
        raise ValidationError(_("This message was deleted."))
    _require_active_group(thread.group)
    if thread.locked:
        raise ValidationError(_("This discussion is locked: messages can no longer be edited."))
    _require(editor, "groups.edit_message", message, _("Only its author may edit a message."))
    if body == message.body:
        return message
    check_not_sanctioned(editor)
    check_links_allowed(editor, body)
    now = timezone.now()
    with transaction.atomic():
        MessageRevision.objects.create(
            message=message,
            body=message.body,
            written_at=message.edited_at or message.created_at,
            replaced_at=now,
        )
        already = list(message.mentions.values_list("user_id", flat=True))
        message.body = body
        message.body_html = render_markdown(body)
        message.edited_at = now
        message.save(update_fields=["body", "body_html", "edited_at"])
        _record_mentions(message, group=thread.group, author=editor, already=already)
    return message


def message_delete(*, message: Message, actor: User, reason: str = "") -> Message:
    """Delete a message; a placeholder keeps the discussion readable.

    Its author's own deletion erases the text, its history and its mentions. A moderator's
    deletion (of someone else's message) needs a reason, sent to the author; the text is
    kept out of sight for an appeal (site moderators see it in the admin).
    """
    if message.deleted_at is not None:
        raise ValidationError(_("This message is already deleted."))
    _require(actor, "groups.delete_message", message, _("You may not delete this message."))
    own = message.author_id == actor.pk
    if not own:
        reason = _clean_text(
            reason, field="reason", label=_("The reason"), max_length=REASON_MAX_LENGTH
        )
    with transaction.atomic():
        message.deleted_at = timezone.now()
        message.deleted_by = actor
        fields = ["deleted_at", "deleted_by"]
        if own:
            message.body = ""
            message.body_html = ""
            message.deletion_reason = ""
            message.revisions.all().delete()
            message.mentions.all().delete()
            fields += ["body", "body_html", "deletion_reason"]
        else:
            message.deletion_reason = reason
            fields.append("deletion_reason")
            if message.author_id:
                _record(
                    ActivityKind.CONTENT_MODERATED,
                    group=message.thread.group,
                    audience=Audience.RECIPIENT,
                    actor=actor,
                    thread=message.thread,
                    recipient=message.author,
                    reason=reason,
                    what="message",
                    message_id=message.pk,
                )
        message.save(update_fields=fields)
    return message


def _require_thread_moderator(thread, actor):
    _require(
        actor,
        "groups.moderate_thread",
        thread,
        _("Only the group's moderators may do this."),
    )


def thread_pin(*, thread: Thread, actor: User, pinned: bool = True) -> Thread:
    """Pin a discussion at the top of the group page (or unpin it)."""
    _require_thread_moderator(thread, actor)
    if thread.pinned != pinned:
        thread.pinned = pinned
        thread.save(update_fields=["pinned"])
    return thread


def thread_lock(*, thread: Thread, actor: User, locked: bool = True) -> Thread:
    """Lock a discussion (no more replies or edits, except the moderators' replies), or
    unlock it."""
    _require_thread_moderator(thread, actor)
    if thread.locked != locked:
        thread.locked = locked
        thread.save(update_fields=["locked"])
    return thread


def thread_move(*, thread: Thread, actor: User, to_group: Group) -> Thread:
    """Move a discussion to another group the actor also moderates. Its messages follow;
    read markers of people who are not members of the new group go."""
    _require_thread_moderator(thread, actor)
    if to_group.pk == thread.group_id:
        raise ValidationError({"to_group": _("The discussion is already in this group.")})
    _require_active_group(to_group)
    if not actor.has_perm("groups.moderate_thread", to_group):
        raise ValidationError(
            {"to_group": _("You can only move a discussion to a group you moderate.")}
        )
    source = thread.group
    with transaction.atomic():
        thread.group = to_group
        thread.save(update_fields=["group"])
        Group.objects.filter(pk=source.pk, thread_count__gt=0).update(
            thread_count=F("thread_count") - 1
        )
        Group.objects.filter(pk=to_group.pk).update(thread_count=F("thread_count") + 1)
        ThreadRead.objects.filter(thread=thread).exclude(
            user__in=Membership.objects.filter(group=to_group, state=MembershipState.ACTIVE).values(
                "user_id"
            )
        ).delete()
        if thread.author_id:
            _record(
                ActivityKind.THREAD_MOVED,
                group=to_group,
                audience=Audience.RECIPIENT,
                actor=actor,
                thread=thread,
                recipient=thread.author,
                from_group=source.name,
            )
    return thread


def thread_delete(*, thread: Thread, actor: User, reason: str) -> Thread:
    """A moderator deletes a discussion (with a reason, sent to its author): it disappears
    from the group; its messages are kept out of sight for an appeal."""
    _require_thread_moderator(thread, actor)
    reason = _clean_text(
        reason, field="reason", label=_("The reason"), max_length=REASON_MAX_LENGTH
    )
    if thread.deleted_at is not None:
        raise ValidationError(_("This discussion is already deleted."))
    with transaction.atomic():
        thread.deleted_at = timezone.now()
        thread.deleted_by = actor
        thread.deletion_reason = reason
        thread.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
        Group.objects.filter(pk=thread.group_id, thread_count__gt=0).update(
            thread_count=F("thread_count") - 1
        )
        if thread.author_id and thread.author_id != actor.pk:
            _record(
                ActivityKind.CONTENT_MODERATED,
                group=thread.group,
                audience=Audience.RECIPIENT,
                actor=actor,
                thread=thread,
                recipient=thread.author,
                reason=reason,
                what="thread",
            )
    return thread


def thread_restore(*, thread: Thread, moderator: User) -> Thread:
    """A site moderator restores a deleted discussion (after an appeal)."""
    _require_site_moderator(moderator)
    if thread.deleted_at is None:
        raise ValidationError(_("This discussion is not deleted."))
    with transaction.atomic():
        thread.deleted_at = None
        thread.deleted_by = None
        thread.deletion_reason = ""
        thread.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
        Group.objects.filter(pk=thread.group_id).update(thread_count=F("thread_count") + 1)
    return thread


def message_restore(*, message: Message, moderator: User) -> Message:
    """A site moderator restores a message a moderator removed (its text was kept). A
    message its author deleted is erased and cannot come back."""
    _require_site_moderator(moderator)
    if message.deleted_at is None:
        raise ValidationError(_("This message is not deleted."))
    if not message.body:
        raise ValidationError(_("Its author deleted this message: its text is erased."))
    message.deleted_at = None
    message.deleted_by = None
    message.deletion_reason = ""
    message.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
    return message


def thread_mark_read(*, thread: Thread, user: User, position: int) -> None:
    """Remember that ``user`` (a member) read ``thread`` up to message ``position``."""
    if not user.is_authenticated or membership_of(user, thread.group) is None:
        return
    now = timezone.now()
    updated = ThreadRead.objects.filter(user=user, thread=thread).update(
        read_at=now, last_position=Greatest(F("last_position"), position)
    )
    if not updated:
        try:
            with transaction.atomic():
                ThreadRead.objects.create(
                    user=user, thread=thread, read_at=now, last_position=position
                )
        except IntegrityError:
            pass  # a concurrent request of the same member recorded it
    pagecache.invalidate(pagecache.reads_label(user.pk))  # their home's "new activity" badges
