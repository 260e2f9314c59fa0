"""Discussions and messages: threads, messages and their edit history, @mentions and
each member's reading position."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.validators import validate_visible_text

from .lifecycle import Group


class Thread(models.Model):
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_visible_text])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_threads",
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    last_message = models.ForeignKey(
        "Message",
        verbose_name=_("last message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deletion_reason = models.TextField(_("reason for deletion"), blank=True)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        ordering = ["-pinned", "-last_activity_at", "-pk"]
        indexes = [
            models.Index(
                fields=["group", "-pinned", "-last_activity_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name="groups_thread_listing",
            ),
            # The latest discussions of every group (home page's "public activity"): read in
            # order on this index, the groups' filters checked on the way.
            models.Index(
                fields=["-last_activity_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name="groups_thread_activity",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("groups:thread", kwargs={"slug": self.group.slug, "pk": self.pk})

    @property
    def reply_count(self):
        return max(self.message_count - 1, 0)

    @property
    def is_deleted(self):
        return self.deleted_at is not None


#: Messages shown on one page of a thread.
MESSAGES_PER_PAGE = 30


class Message(models.Model):
    thread = models.ForeignKey(
        Thread, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="messages"
    )
    position = models.PositiveIntegerField(
        _("position"), help_text=_("1 for the first message of the discussion, then 2, 3...")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_messages",
    )
    body = models.TextField(_("message"), max_length=20000, help_text=_("Markdown is accepted."))
    body_html = models.TextField(_("rendered message"), blank=True, editable=False)
    #: The French full-text document of ``body``, kept by a PostgreSQL trigger (migration
    #: ``0002_full_text_search``); empty on other databases.
    search_vector = SearchVectorField(_("search document"), null=True, editable=False)
    quoted = models.ForeignKey(
        "self",
        verbose_name=_("quoted message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
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
    deletion_reason = models.TextField(_("reason for deletion"), blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["thread_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "position"], name="groups_message_unique_position"
            ),
        ]
        indexes = [
            models.Index(fields=["author", "created_at"], name="groups_message_author"),
            models.Index(fields=["created_at", "id"], name="groups_message_recent"),
        ]

    def __str__(self):
        return f"{self.thread} #{self.position}"

    def get_absolute_url(self):
        return reverse(
            "groups:message",
            kwargs={"slug": self.thread.group.slug, "pk": self.thread_id, "message": self.pk},
        )

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def page_number(self):
        return (self.position - 1) // MESSAGES_PER_PAGE + 1

    @property
    def anchor(self):
        return f"message-{self.pk}"


class MessageRevision(models.Model):
    """A former text of a message, kept when its author edits it (moderators see them)."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField(_("former text"))
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("message revision")
        verbose_name_plural = _("message revisions")
        ordering = ["message_id", "-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.message} @ {self.written_at:%Y-%m-%d %H:%M}"


class Mention(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentioned member"),
        on_delete=models.CASCADE,
        related_name="group_mentions",
    )
    created_at = models.DateTimeField(_("mentioned at"), default=timezone.now)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="groups_mention_unique"),
        ]

    def __str__(self):
        return f"@{self.user} in {self.message}"


class ThreadRead(models.Model):
    """When a member last read a discussion: the group page marks newer activity unread."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="group_thread_reads",
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)
    last_position = models.PositiveIntegerField(_("last message read"), default=0)

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="groups_threadread_unique"),
        ]

    def __str__(self):
        return f"{self.user} read {self.thread}"
