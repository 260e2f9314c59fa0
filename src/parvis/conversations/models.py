"""Private conversations between members: one-to-one, small groups, and conversations with an
organisation (its managers answer as the organisation) or an elected official (the official
and the members they delegate answer).

Who takes part is a ``Participant`` row: ``member`` for the people who write in their own
name, ``team`` for an organisation's managers or an official's team, kept in step with the
team each time a message is sent. Nothing here is public: the pages are never cached and
moderators see a message only when it is reported.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.pictures import PictureField

#: At most this many people in a conversation between members (a team counts its members).
MAX_PARTICIPANTS = 20
#: An event's organiser writes to at most this many participants at once.
MAX_EVENT_PARTICIPANTS = 500
SUBJECT_MAX_LENGTH = 150
BODY_MAX_LENGTH = 5000


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def attachment_upload_to(instance, filename):
    return f"messages/{secrets.token_hex(16)}.jpg"


class AcceptFrom(models.TextChoices):
    EVERYONE = "everyone", _("Every identified member")
    FOLLOWED = "followed", _("Only the people I follow")
    NOBODY = "nobody", _("Nobody")


class MessagingPreference(models.Model):
    """Who may start a conversation with the member (no row: everyone)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="messaging_preference",
        verbose_name=_("member"),
    )
    accept_from = models.CharField(
        _("who may write to me"),
        max_length=10,
        choices=AcceptFrom.choices,
        default=AcceptFrom.EVERYONE,
    )
    official_contact_open = models.BooleanField(
        _("residents may write to me as an elected official"), default=True
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("messaging preference")
        verbose_name_plural = _("messaging preferences")

    def __str__(self):
        return f"{self.user_id}: {self.accept_from}"


class OrganisationContact(models.Model):
    """An organisation's choice to receive messages (no row: open)."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="messaging",
        verbose_name=_("organisation"),
    )
    open = models.BooleanField(_("members may write to the organisation"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation's messages")
        verbose_name_plural = _("organisations' messages")

    def __str__(self):
        return str(self.organisation_id)


class Block(models.Model):
    """``blocker`` no longer receives messages from ``blocked`` and no longer sees theirs."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_blocked_by"
    )
    created_at = models.DateTimeField(_("blocked since"), default=timezone.now)

    class Meta:
        verbose_name = _("blocked member")
        verbose_name_plural = _("blocked members")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="message_block_unique"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="message_block_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


class Delegation(models.Model):
    """An elected official lets ``delegate`` (their staff) read and answer their messages."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_delegates"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_delegations"
    )
    created_at = models.DateTimeField(_("delegated since"), default=timezone.now)

    class Meta:
        verbose_name = _("delegation of messages")
        verbose_name_plural = _("delegations of messages")
        constraints = [
            models.UniqueConstraint(fields=["official", "delegate"], name="delegation_unique"),
            models.CheckConstraint(
                condition=~Q(official=models.F("delegate")), name="delegation_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.official_id} → {self.delegate_id}"


class Conversation(models.Model):
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("organisation written to"),
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="official_conversations",
        verbose_name=_("elected official written to"),
    )
    event = models.ForeignKey(
        "agenda.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("event"),
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now)
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at"]

    def __str__(self):
        return self.subject or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("conversations:detail", kwargs={"pk": self.pk})


class ParticipantRole(models.TextChoices):
    MEMBER = "member", _("in their own name")
    TEAM = "team", _("for the organisation or the elected official")


class Participant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_entries"
    )
    role = models.CharField(max_length=10, choices=ParticipantRole.choices)
    joined_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="conversation_participant_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "conversation"],
                condition=Q(left_at__isnull=True),
                name="participant_active",
            )
        ]

    def __str__(self):
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="private_messages",
        verbose_name=_("sender"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent as the organisation"),
    )
    for_official = models.BooleanField(_("sent for the elected official"), default=False)
    body = models.TextField(_("message"), max_length=BODY_MAX_LENGTH, blank=True)
    attachment = PictureField(
        _("image"),
        upload_to=attachment_upload_to,
        storage=private_storage,
        blank=True,
        kind="cover",
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )

    class Meta:
        verbose_name = _("private message")
        verbose_name_plural = _("private messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_in_conversation"),
            models.Index(fields=["sender", "created_at"], name="message_by_sender"),
        ]

    def __str__(self):
        return (self.body or "")[:60] or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("conversations:detail", kwargs={"pk": self.conversation_id}) + (
            f"#message-{self.pk}"
        )
