"""What the platform knows about comments and reactions (see ``parvis.core.content``): how a
comment is reported and removed, the notification and activity kinds, what a member's export
and erasure do, and which cached pages a comment or a reaction retires."""

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.core.feed import FeedSource, feed_sources
from parvis.moderation import registry as moderation
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import STAFF_WORK
from parvis.privacy.registry import CONTRIBUTIONS, CUSTOM, DELETE, KEEP

from . import activities, notifications, registrations  # noqa: F401  (kinds, types, targets)
from .feed import comments_of_followed_members, reaction_counts
from .models import Comment, CommentMention, Reaction
from .targets import split

# --- page cache ---------------------------------------------------------------------------------
# A comment retires the discussion of its item (``comments.comment@target:agenda.event:42``,
# which the item's page declares through ``{% comments_section %}``); a reaction the page that
# shows its counts (``comments.reaction@page:groups.thread:7``), not the other pages.
pagecache.declare(Comment, scopes={"target": "target"})
pagecache.declare(Reaction, scopes={"page": "page"})
pagecache.declare(CommentMention, silent=True)  # shows on no page


# --- the member's feed (parvis.core.feed) ----------------------------------------------------
feed_sources.register(
    FeedSource(
        key="comments",
        items=comments_of_followed_members,
        # Their follows too: following a member shows their comments at once.
        tags=("comments.comment", "news.follow"),
    )
)
feed_sources.annotator("reactions", reaction_counts)


# --- moderation ---------------------------------------------------------------------------------


def _visible(comment, user):
    from .registrations import _comment_visible

    return _comment_visible(comment, user)


def _remove(comment, decision):
    """Removed by moderation: a placeholder keeps its place; its text stays out of sight for
    an appeal."""
    comment.deleted_at = timezone.now()
    comment.deleted_by = decision.moderator
    comment.deletion_reason = decision.facts
    comment.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])


def _title(comment):
    target_type, _pk = split(comment.target)
    kind = target_type.key if target_type else comment.target
    return _("Comment on %(item)s: “%(text)s”") % {
        "item": kind,
        "text": Truncator(comment.body).words(8),
    }


moderation.register(
    Comment,
    label=_("comment"),
    author=lambda comment: comment.author,
    author_field="author",
    is_visible_to=_visible,
    template="comments/moderation/_comment.html",
    delete=_remove,
    select_related=("author",),
    title=_title,
)


# --- personal data ----------------------------------------------------------------------------


@privacy.plan_step(order=CONTRIBUTIONS)
def _plan_comments(plan):
    plan.counts["comments"] = Comment.objects.filter(
        author=plan.member, deleted_at__isnull=True
    ).count()


def _comments(context):
    """Kept without their author ("former member"), or erased at the member's choice: the
    text goes, a "comment deleted" note keeps the replies readable."""
    comments = Comment.objects.filter(author=context.member)
    if context.delete_contributions:
        CommentMention.objects.filter(comment__author=context.member).delete()
        erased = comments.filter(deleted_at__isnull=True).update(
            body="", body_html="", deleted_at=context.now
        )
        comments.update(body="", body_html="")
        context.count("comments.Comment.author (erased)", erased)
    context.count("comments.Comment.author", comments.update(author=None))


privacy.export(
    "comments.Comment.author",
    section="comments",
    fields=(
        "target",
        ("in_reply_to", lambda row: row.parent_id),
        "body",
        "created_at",
        "edited_at",
        "deleted_at",
        ("url", lambda row: row.get_absolute_url() if row.deleted_at is None else ""),
    ),
    queryset=lambda member: Comment.objects.filter(author=member).order_by("created_at", "pk"),
)
privacy.erase("comments.Comment.author", action=CUSTOM, handler=_comments)
privacy.not_exported("comments.Comment.deleted_by", reason=STAFF_WORK)
privacy.erase("comments.Comment.deleted_by", action=KEEP, reason=STAFF_WORK)
privacy.export(
    "comments.CommentMention.user",
    section="comment_mentions",
    # Where and when; the comment itself is its author's.
    fields=("created_at", ("comment", lambda row: row.comment_id)),
)
privacy.erase("comments.CommentMention.user", action=DELETE)
privacy.export(
    "comments.Reaction.user",
    section="reactions",
    fields=("target", "kind", "created_at"),
)
privacy.erase("comments.Reaction.user", action=DELETE)
