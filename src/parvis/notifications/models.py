"""Notifications, the members' delivery preferences, the activity outbox and the e-mail outbox.

``Activity``: something that happened (a reply, a cancelled event, a published post), recorded
by a content app's service in the transaction of the change (``activities.activity_record``)
and fanned out to the members' notifications by a Celery worker after the commit; the periodic
``activities_drain`` task takes what the broker never received, and what was scheduled for later.

``Notification``: one line of a member's notification centre (written by ``notify()`` in the
caller's transaction). ``EmailOutbox``: one e-mail to send (a notification sent at once, a
member's daily digest, or a direct e-mail to an address from ``parvis.core.emails.queue_email``),
written in the same transaction and sent by a Celery worker; its
unique ``idempotency_key`` and its ``state`` (checked under a row lock) make sure it is sent
once, and the periodic ``outbox_drain`` task re-queues what the broker never received.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import Delivery


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    type_key = models.CharField(_("type"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("item type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("item id"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    url = models.CharField(_("link"), max_length=500, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    email_delivery = models.CharField(
        _("e-mail"), max_length=10, choices=Delivery.choices, default=Delivery.NEVER
    )
    digest = models.ForeignKey(
        "EmailOutbox",
        verbose_name=_("daily digest"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_items",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_recipient_recent"
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(email_delivery="daily", digest__isnull=True),
                name="notification_digest_pending",
            ),
            models.Index(fields=["target_type", "target_id"], name="notification_target"),
        ]

    def __str__(self):
        return f"{self.type_key} → {self.recipient_id}"


class NotificationPreference(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    type_key = models.CharField(_("type"), max_length=100)
    delivery = models.CharField(_("e-mail"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "type_key"], name="notification_preference_unique"
            )
        ]

    def __str__(self):
        return f"{self.member_id} {self.type_key}: {self.delivery}"


class OutboxKind(models.TextChoices):
    NOTIFICATION = "notification", _("notification")
    DIGEST = "digest", _("daily digest")
    DIRECT = "direct", _("direct e-mail")


class OutboxState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("not sent")


class EmailOutbox(models.Model):
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OutboxKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a direct e-mail to an address."),
    )
    notification = models.OneToOneField(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email",
    )
    # A direct e-mail (``parvis.core.emails.queue_email``): an address rather than a member,
    # and the template and context it is rendered from by the worker, in ``language``. The
    # address and context are emptied once the e-mail is sent or given up.
    to_address = models.EmailField(_("address"), max_length=254, blank=True)
    template = models.CharField(_("template"), max_length=200, blank=True)
    context = models.JSONField(_("template context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail to send")
        verbose_name_plural = _("e-mail outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(state="pending"),
                name="outbox_pending",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(to_address="", state="pending"),
                name="outbox_has_recipient",
            )
        ]

    def __str__(self):
        return self.idempotency_key


class Activity(models.Model):
    """Something that happened, waiting to be told: the outbox every content app records in.

    Written by ``activities.activity_record`` in the service's transaction (a rollback leaves
    nothing), fanned out by ``tasks.activity_fan_out`` once ``due_at`` has come (after the
    commit, or later for a scheduled post) and marked ``processed_at`` in the transaction that
    writes the notifications, so a duplicated or retried task tells nobody twice. Activities
    sharing a ``batch_key`` are told together, once (several reactions: one notification).
    """

    kind = models.CharField(_("kind"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("item type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("item id"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # The members named when it was recorded (an event's participants, a requester): ids,
    # emptied once it is processed (the notifications are the record). Empty: the kind's
    # handler resolves its audience when it is fanned out.
    recipient_ids = models.JSONField(_("recipients"), default=list, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    batch_key = models.CharField(_("batch key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at", "id"],
                condition=Q(processed_at__isnull=True),
                name="activity_outbox",
            ),
            models.Index(
                fields=["batch_key"],
                condition=Q(processed_at__isnull=True) & ~Q(batch_key=""),
                name="activity_batch",
            ),
            models.Index(
                fields=["processed_at"],
                condition=Q(processed_at__isnull=False),
                name="activity_processed",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
