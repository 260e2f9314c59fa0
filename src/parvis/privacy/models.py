"""Members' control of their personal data: archives of their data, inactivity notices.

A ``DataExport`` is one "download my data" request: built in the background into a ZIP in
the private storage (``STORAGES["private"]``, never under ``MEDIA_URL``), downloadable by its
member only until ``expires_at``, then deleted by a periodic task. An ``InactivityNotice``
records that a member who has not logged in for a long time was warned that their account
will be erased; logging in again removes it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("being prepared")
    READY = "ready", _("ready to download")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired (deleted)")


class DataExport(models.Model):
    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    language = models.CharField(_("language"), max_length=10, default="fr")
    file_name = models.CharField(_("file in the private storage"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("last downloaded at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="privacy_export_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="privacy_export_expiry"),
            models.Index(fields=["member", "-requested_at"], name="privacy_export_member"),
        ]

    def __str__(self):
        return f"{self.member_id} @ {self.requested_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("privacy:download", kwargs={"public_id": self.public_id})

    def is_downloadable(self, now=None):
        now = now or timezone.now()
        return (
            self.status == ExportStatus.READY
            and bool(self.file_name)
            and self.expires_at is not None
            and self.expires_at > now
        )


class InactivityNotice(models.Model):
    """A member was warned that their account will be erased for inactivity."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="inactivity_notice",
    )
    last_activity_at = models.DateTimeField(_("last activity when warned"))
    warned_at = models.DateTimeField(_("warned at"), default=timezone.now)
    erasure_after = models.DateTimeField(_("erased after"))

    class Meta:
        verbose_name = _("inactivity notice")
        verbose_name_plural = _("inactivity notices")
        ordering = ["warned_at"]

    def __str__(self):
        return f"{self.member_id} warned {self.warned_at:%Y-%m-%d}"
