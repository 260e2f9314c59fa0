"""Comments on news posts, events and consultations (one level of replies) and positive reactions on
group messages, comments, posts and events.

Both point at their item with ``target``, a plain key ``"<app_label>.<model>:<pk>"``
(``agenda.event:42``) that ``targets.py`` resolves through its registry: one indexed column,
the scope the page cache retires (``comments.comment@target:agenda.event:42``), no generic
foreign key. A ``Reaction`` also names the ``page`` that shows it (its item's page, or the
discussion of a group message), so that a reaction retires that page only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Comments shown per page of an item's discussion (top-level comments; their replies with them).
COMMENTS_PER_PAGE = 20
BODY_MAX_LENGTH = 3000


class Comment(models.Model):
    """A member's comment on an item, or a reply to a comment (one level only)."""

    target = models.CharField(_("item"), max_length=80)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    body = models.TextField(_("comment"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deletion_reason = models.CharField(_("reason for deletion"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["target", "parent", "created_at"], name="comment_target_idx"),
            models.Index(fields=["author", "created_at"], name="comment_author_idx"),
        ]

    def __str__(self):
        return f"{self.target} — {self.author or '?'}"

    def get_absolute_url(self):
        from .targets import url_of

        return f"{url_of(self.target)}#commentaire-{self.pk}"

    @property
    def anchor(self):
        return f"commentaire-{self.pk}"

    @property
    def removed_by_moderator(self):
        return self.deleted_at is not None and self.deleted_by_id not in (None, self.author_id)


class CommentMention(models.Model):
    """A member @mentioned in a comment (told once)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mention in a comment")
        verbose_name_plural = _("mentions in comments")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_mention_unique")
        ]

    def __str__(self):
        return f"@{self.user_id} in {self.comment_id}"


class ReactionKind(models.TextChoices):
    """The fixed set of positive reactions (no downvote)."""

    LIKE = "like", _("Like")
    THANKS = "thanks", _("Thanks")
    BRAVO = "bravo", _("Well done")
    USEFUL = "useful", _("Useful")


EMOJI = {
    ReactionKind.LIKE: "👍",
    ReactionKind.THANKS: "❤️",
    ReactionKind.BRAVO: "🎉",
    ReactionKind.USEFUL: "💡",
}


class Reaction(models.Model):
    """One member's reaction to one item (reacting again replaces it)."""

    target = models.CharField(_("item"), max_length=80)
    #: The page that shows it (its item's, or a group message's discussion): what it retires.
    page = models.CharField(max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="reactions",
    )
    kind = models.CharField(_("reaction"), max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(_("reacted at"), default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["target", "user"], name="reaction_one_per_member"),
            models.CheckConstraint(
                condition=Q(kind__in=[value for value, _label in ReactionKind.choices]),
                name="reaction_known_kind",
            ),
        ]
        indexes = [models.Index(fields=["target", "kind"], name="reaction_target_idx")]

    def __str__(self):
        return f"{self.user} {self.kind} {self.target}"

    @property
    def emoji(self):
        return EMOJI.get(self.kind, "")
