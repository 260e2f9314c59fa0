"""Every write of comments and reactions: validated here, for forms, the API and the admin."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.core import pagecache
from parvis.groups import mentions as mention_parser
from parvis.moderation.safeguards import check_links_allowed, check_posting_allowed
from parvis.moderation.selectors import hidden_from
from parvis.notifications.activities import activity_record

from .activities import COMMENT_KIND, REACTION_KIND, REACTION_WINDOW
from .models import BODY_MAX_LENGTH, Comment, CommentMention, Reaction, ReactionKind
from .targets import key_of, type_for

#: A member posts at most this many comments in ``FLOOD_WINDOW`` (moderators excepted).
FLOOD_LIMIT = 8
FLOOD_WINDOW = dt.timedelta(minutes=10)
REASON_MAX_LENGTH = 500


def _require_member(user):
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Log in to take part."))


def _clean_body(body):
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": [_("Write your comment.")]})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": [
                    _("Your comment is too long (%(max)d characters at most).")
                    % {"max": BODY_MAX_LENGTH}
                ]
            }
        )
    return body


def _check_flood(author):
    if author.is_staff:
        return
    recent = Comment.objects.filter(
        author=author, created_at__gte=timezone.now() - FLOOD_WINDOW
    ).count()
    if recent >= FLOOD_LIMIT:
        raise ValidationError(
            _("You have posted many comments in a few minutes: wait a little, then try again."),
            code="rate_limited",
        )


def mentionable_members(*, item, target, author):
    """Who a comment on ``item`` may mention: the item's author, those who commented on it
    and the members its author follows (active members only, never the author)."""
    from parvis.news.models import Follow

    target_type = type_for(item)
    item_author = target_type.author(item) if target_type else None
    ids = set(Comment.objects.filter(target=target).values_list("author_id", flat=True))
    ids |= set(
        Follow.objects.filter(user=author, followed_user__isnull=False).values_list(
            "followed_user_id", flat=True
        )
    )
    if item_author is not None:
        ids.add(item_author.pk)
    ids.discard(None)
    ids.discard(author.pk)
    return list(
        User.objects.filter(pk__in=ids, is_active=True).only("pk", "first_name", "last_name")
    )


def _render(body, mentioned):
    """The comment's HTML: Markdown, the mentions of ``mentioned`` turned into links to
    their profiles (outside code)."""
    return mention_parser.render_with_links(body, mentioned)


def _mentions(body, *, item, target, author):
    handles = mention_parser.handles_in(body)
    if not handles:
        return []
    return mention_parser.resolve(
        handles, mentionable_members(item=item, target=target, author=author)
    )


def comment_post(*, item, author: User, body: str, parent: Comment | None = None) -> Comment:
    """``author`` comments on ``item`` (an event, a news post or a consultation they may
    see, open for comments, and the item's own rule met), or replies to ``parent`` (a
    comment on the same item; one level of replies). Mentioned members, the parent's author,
    the item's author and the followers of its publisher are told after the commit."""
    _require_member(author)
    target_type = type_for(item)
    if target_type is None or not target_type.commentable:
        raise ValidationError(_("This item cannot be commented on."))
    if not target_type.is_visible_to(item, author) or hidden_from(item, author):
        raise PermissionDenied(_("You may not comment on this item."))
    if not target_type.open_for_comments(item):
        raise ValidationError(_("Comments are closed on this item."))
    refusal = target_type.comment_refusal(item, author) if target_type.comment_refusal else None
    if refusal:
        raise PermissionDenied(refusal)
    body = _clean_body(body)
    target = key_of(item)
    if parent is not None:
        if parent.target != target:
            raise ValidationError({"parent": [_("You can only reply to a comment of this item.")]})
        if parent.parent_id is not None:
            parent = parent.parent  # one level: a reply to a reply joins its thread
        if parent.deleted_at is not None or hidden_from(parent, author):
            raise ValidationError(
                {"parent": [_("This comment was removed: it cannot be answered.")]}
            )
    _check_flood(author)
    check_links_allowed(author, body)
    check_posting_allowed(author, "comment")
    mentioned = _mentions(body, item=item, target=target, author=author)
    comment = Comment(
        target=target, parent=parent, author=author, body=body, body_html=_render(body, mentioned)
    )
    comment.full_clean(exclude=["parent", "author", "deleted_by"])
    with transaction.atomic():
        comment.save()
        CommentMention.objects.bulk_create(
            [CommentMention(comment=comment, user=user) for user in mentioned],
            ignore_conflicts=True,
        )
        activity_record(
            kind=COMMENT_KIND,
            actor=author,
            target=comment,
            data={"mentioned_ids": [user.pk for user in mentioned]},
        )
    return comment


def comment_edit(*, comment: Comment, editor: User, body: str) -> Comment:
    """Its author changes a comment (new mentions are linked, not told again)."""
    _require_member(editor)
    if comment.author_id != editor.pk:
        raise PermissionDenied(_("Only its author may edit a comment."))
    if comment.deleted_at is not None:
        raise ValidationError(_("This comment was deleted."))
    body = _clean_body(body)
    check_links_allowed(editor, body)
    target_type, item = _item_of(comment)
    mentioned = _mentions(body, item=item, target=comment.target, author=editor) if item else []
    comment.body = body
    comment.body_html = _render(body, mentioned)
    comment.edited_at = timezone.now()
    with transaction.atomic():
        comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


def _item_of(comment):
    from .targets import resolve

    return resolve(comment.target)


def may_remove(comment: Comment, user) -> bool:
    """Whether ``user`` may remove someone else's ``comment`` with a reason: the moderators
    (staff), and those who answer for its item's discussion when its type says so (the
    agents of a consultation's institution)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_staff:
        return True
    target_type, item = _item_of(comment)
    return bool(
        item is not None
        and target_type.removes_comments is not None
        and target_type.removes_comments(item, user)
    )


def comment_delete(*, comment: Comment, actor: User, reason: str = "") -> Comment:
    """Its author deletes a comment (the text goes), or a moderator (or an agent of the
    consultation's institution, ``may_remove``) with a stated reason (kept out of sight for an
    appeal). A placeholder keeps the replies readable."""
    _require_member(actor)
    own = comment.author_id == actor.pk
    if not own and not may_remove(comment, actor):
        raise PermissionDenied(_("You may only delete your own comments."))
    if comment.deleted_at is not None:
        raise ValidationError(_("This comment is already deleted."))
    reason = (reason or "").replace("\x00", "").strip()
    if not own and not reason:
        raise ValidationError({"reason": [_("Give the reason: it is sent to the author.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": [_("The reason is too long (500 characters at most).")]})
    comment.deleted_at = timezone.now()
    comment.deleted_by = actor
    comment.deletion_reason = reason
    fields = ["deleted_at", "deleted_by", "deletion_reason"]
    if own:
        comment.body = comment.body_html = ""
        fields += ["body", "body_html"]
    with transaction.atomic():
        comment.save(update_fields=fields)
        if own:
            CommentMention.objects.filter(comment=comment).delete()
    return comment


# --- reactions ---------------------------------------------------------------------------------


def _clean_kind(kind):
    if kind not in ReactionKind.values:
        raise ValidationError({"kind": [_("Choose one of the reactions offered.")]})
    return kind


def reaction_set(*, item, user: User, kind: str) -> Reaction:
    """``user`` reacts to ``item`` with ``kind``; a second reaction replaces the first. The
    item's author hears of it in a summary (never one notification per reaction)."""
    _require_member(user)
    kind = _clean_kind(kind)
    target_type = type_for(item)
    if target_type is None:
        raise ValidationError(_("This item cannot receive reactions."))
    if not target_type.is_visible_to(item, user) or hidden_from(item, user):
        raise PermissionDenied(_("You may not react to this item."))
    target = key_of(item)
    author = target_type.author(item)
    if author is not None and author.pk == user.pk:
        raise ValidationError(_("You cannot react to your own contribution."))
    from parvis.moderation.safeguards import check_not_sanctioned

    check_not_sanctioned(user)
    existing = Reaction.objects.filter(target=target, user=user).first()
    if existing is not None:
        if existing.kind != kind:
            existing.kind = kind
            existing.save(update_fields=["kind"])
        return existing
    reaction = Reaction(target=target, page=target_type.page(item), user=user, kind=kind)
    try:
        with transaction.atomic():
            reaction.save()
            if author is not None and author.is_active:
                activity_record(
                    kind=REACTION_KIND,
                    actor=user,
                    target=item,
                    recipients=[author],
                    data={"target": target},
                    due_at=timezone.now() + REACTION_WINDOW,
                    batch_key=f"{REACTION_KIND}:{target}",
                )
    except IntegrityError:  # a concurrent request reacted first
        return Reaction.objects.get(target=target, user=user)
    return reaction


def reaction_remove(*, item, user: User) -> bool:
    """``user`` takes back their reaction to ``item``. Returns whether there was one."""
    _require_member(user)
    reaction = Reaction.objects.filter(target=key_of(item), user=user).first()
    if reaction is None:
        return False
    with transaction.atomic():
        reaction.delete()
    # A delete names no scope: retire the page that shows the counts.
    pagecache.invalidate(pagecache.scoped("comments.reaction", "page", reaction.page))
    return True
