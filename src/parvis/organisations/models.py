"""Associations and institutions, run by identified members."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import Mandate, VerificationStatus
from parvis.core.collation import FRENCH
from parvis.core.pictures import PictureField
from parvis.core.validators import validate_visible_text

from .validators import (
    normalise_phone,
    phone_uri,
    validate_phone,
    validate_rna,
    validate_siren,
    validate_web_address,
)


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("association")
    INSTITUTION = "institution", _("institution")


def logo_upload_to(instance, filename):
    return f"logos/{secrets.token_hex(16)}.png"


#: The optional public contact details of an organisation (besides its website).
CONTACT_FIELDS = ("email", "phone", "address", "opening_hours")


def cover_upload_to(instance, filename):
    return f"covers/{secrets.token_hex(16)}.jpg"


class Organisation(models.Model):
    name = models.CharField(
        _("name"), max_length=150, db_collation=FRENCH, validators=[validate_visible_text]
    )
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    logo = PictureField(_("logo"), upload_to=logo_upload_to, blank=True, kind="logo")
    cover = PictureField(_("cover image"), upload_to=cover_upload_to, blank=True, kind="cover")
    cover_alt = models.CharField(
        _("description of the cover image"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for those who cannot see it; empty if decorative."),
    )
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="organisations",
        limit_choices_to={"kind": "commune"},
    )
    website = models.URLField(_("website"), blank=True, validators=[validate_web_address])
    # Public contact details, all optional (shown on the page, in the API and the admin).
    email = models.EmailField(_("public e-mail address"), blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=30,
        blank=True,
        validators=[validate_phone],
        help_text=_("A French number, for example 03 44 06 60 00."),
    )
    address = models.CharField(
        _("postal address"),
        max_length=300,
        blank=True,
        validators=[validate_visible_text],
        help_text=_("Where to find or write to the organisation, with the postal code."),
    )
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=300,
        blank=True,
        validators=[validate_visible_text],
        help_text=_("For example: Tuesday and Thursday 2 pm to 6 pm, Saturday morning."),
    )
    rna = models.CharField(
        _("RNA number"),
        max_length=10,
        blank=True,
        validators=[validate_rna],
        help_text=_("W followed by 9 digits."),
    )
    siren = models.CharField(
        _("SIREN number"),
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text=_("9 digits."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="OrganisationMembership",
        related_name="organisations",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "status", "name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    def clean(self):
        # Stored as written in France ("03 44 06 60 00"), whoever saves (service or admin).
        self.phone = normalise_phone(self.phone)
        if self.kind == OrganisationKind.ASSOCIATION and not (self.rna or self.siren):
            raise ValidationError(
                {
                    "rna": _(
                        "An association must give its RNA number or its SIREN number "
                        "(at least one), so that moderators can verify it."
                    )
                },
                code="number_required",
            )

    @property
    def is_verified(self):
        return self.status == VerificationStatus.VERIFIED

    @property
    def phone_uri(self):
        return phone_uri(self.phone)

    @property
    def has_contact_details(self):
        return any((self.email, self.phone, self.address, self.opening_hours, self.website))


class OrganisationRole(models.TextChoices):
    MANAGER = "manager", _("manager")
    EDITOR = "editor", _("editor")


class OrganisationMembership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=OrganisationRole.choices)
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="organisation_membership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class OrganisationInvitation(models.Model):
    """A manager invites an identified member to help run the organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_invitations"
    )
    role = models.CharField(_("role"), max_length=10, choices=OrganisationRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "invitee"],
                condition=models.Q(status="pending"),
                name="organisation_invitation_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.invitee} → {self.organisation}"


class PendingOrganisation(Organisation):
    """Organisations awaiting a moderator: one of the "verification requests" in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("verification request: organisation")
        verbose_name_plural = _("verification requests: organisations")


class PendingMandate(Mandate):
    """Mandates awaiting a moderator, listed next to the organisations in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("verification request: mandate")
        verbose_name_plural = _("verification requests: mandates")
