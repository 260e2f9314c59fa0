"""Local reports ("Signalements"): a resident reports a problem in public space.

A ``Report`` has a ``Category`` (managed by the moderators), a commune, a place (an address
and/or a point), a description and up to three photos (``Photo``). Its category routes it to
the competent institution (``Category.route``: the départemental council, or the commune's
town hall when it is on Parvis; else the moderators), whose agents triage it: they change its
status (received, in progress, resolved, rejected with a reason) and comment publicly
(``Update``, a timeline). Other residents support a report (``Support``) instead of reporting
the same problem again; the reporter and the supporters are told at each step. The reporter is
shown to the agents only; publicly, "a resident of <commune>".
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.pictures import PictureField

DESCRIPTION_MAX_LENGTH = 2000
MAX_PHOTOS = 3


class Route(models.TextChoices):
    COUNCIL = "council", _("the départemental council")
    COMMUNE = "commune", _("the commune's town hall")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    route = models.CharField(
        _("handled by"),
        max_length=10,
        choices=Route.choices,
        default=Route.COMMUNE,
        help_text=_(
            "Who receives the reports of this category. Without a town hall on Parvis, the "
            "commune's reports go to the moderators."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered to residents"), default=True)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    REJECTED = "rejected", _("rejected")


#: The statuses of a report still to deal with.
OPEN_STATUSES = (ReportStatus.RECEIVED, ReportStatus.IN_PROGRESS)


class Report(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_reports",
    )
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "commune"},
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="reports"
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    address = models.CharField(_("address or place"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    institution = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_reports",
        help_text=_("Empty: the moderators handle it."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("local report")
        verbose_name_plural = _("local reports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["commune", "status", "created_at"]),
            models.Index(fields=["institution", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self):
        return f"{self.category} — {self.commune}"

    def get_absolute_url(self):
        return reverse("localreports:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def has_point(self):
        return self.latitude is not None and self.longitude is not None


def photo_upload_to(instance, filename):
    return f"signalements/{secrets.token_hex(16)}.jpg"


class Photo(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    image = PictureField(_("photo"), upload_to=photo_upload_to, kind="cover")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("photo of a report")
        verbose_name_plural = _("photos of reports")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.image.name


class Update(models.Model):
    """A public step of a report: an agent's comment, a change of status, or both."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="updates", verbose_name=_("report")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    institution_name = models.CharField(_("on behalf of"), max_length=150, blank=True)
    status = models.CharField(
        _("new status"), max_length=12, choices=ReportStatus.choices, blank=True
    )
    body = models.TextField(_("comment"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("step of a report")
        verbose_name_plural = _("steps of reports")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.report_id}: {self.status or 'comment'}"


class Support(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="supports", verbose_name=_("report")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="local_report_supports",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("supported at"), default=timezone.now)

    class Meta:
        verbose_name = _("support of a report")
        verbose_name_plural = _("supports of reports")
        constraints = [
            models.UniqueConstraint(fields=["report", "member"], name="local_report_support_once")
        ]

    def __str__(self):
        return f"{self.member_id} → {self.report_id}"
