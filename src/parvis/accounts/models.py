"""Identified accounts: the member, their public profile, mandates and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.pictures import PictureField
from parvis.core.validators import validate_visible_text


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class ProfileKind(models.TextChoices):
    RESIDENT = "resident", _("resident")
    OFFICIAL = "official", _("elected official")
    AGENT = "agent", _("institution agent")


class DirectoryVisibility(models.TextChoices):
    PUBLIC = "public", _("everyone, including visitors")
    MEMBERS = "members", _("members only")
    HIDDEN = "hidden", _("nobody (not listed)")


#: An erased account keeps a placeholder address in this domain (reserved by RFC 2606: never
#: delivered); see parvis.privacy.
ERASED_EMAIL_DOMAIN = "erased.invalid"


def photo_upload_to(instance, filename):
    return f"profiles/{secrets.token_hex(16)}.jpg"


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(
        _("first name"), max_length=80, validators=[validate_visible_text]
    )
    last_name = models.CharField(_("last name"), max_length=80, validators=[validate_visible_text])
    kind = models.CharField(
        _("profile type"),
        max_length=20,
        choices=ProfileKind.choices,
        default=ProfileKind.RESIDENT,
    )
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"kind": "commune"},
    )
    photo = PictureField(_("photo"), upload_to=photo_upload_to, blank=True, kind="square")
    bio = models.TextField(_("short bio"), max_length=600, blank=True)
    website = models.URLField(_("website"), blank=True)
    links = models.JSONField(
        _("other networks"),
        default=list,
        blank=True,
        help_text=_("Addresses of the member's profiles on other networks."),
    )
    directory_visibility = models.CharField(
        _("appear in the directory"),
        max_length=10,
        choices=DirectoryVisibility.choices,
        default=DirectoryVisibility.MEMBERS,
    )
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    identity_verified_at = models.DateTimeField(
        _("identity verified by FranceConnect at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When FranceConnect last vouched for the first and last name; cleared when the "
            "member changes them."
        ),
    )
    allow_follows = models.BooleanField(
        _("members may follow my activity"),
        default=True,
        help_text=_(
            "Members who follow you see your public contributions on their home page. "
            "Elected officials with a verified mandate can always be followed."
        ),
    )
    checklist_dismissed_at = models.DateTimeField(
        _("first steps dismissed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the member hid the first-week checklist of their home page."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["directory_visibility", "kind", "last_name", "first_name"]),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_absolute_url(self):
        return reverse("members:profile", kwargs={"pk": self.pk})

    def get_full_name(self):
        if self.is_erased:
            return str(_("Former member"))
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_erased(self):
        """The account was erased (parvis.privacy): its contributions read "former member"."""
        return self.email.endswith(f"@{ERASED_EMAIL_DOMAIN}")


class MandateRole(models.TextChoices):
    MAYOR = "mayor", _("mayor")
    DEPUTY_MAYOR = "deputy_mayor", _("deputy mayor")
    MUNICIPAL_COUNCILLOR = "municipal_councillor", _("municipal councillor")
    DEPARTMENTAL_COUNCILLOR = "departmental_councillor", _("departmental councillor")
    DEPARTMENTAL_PRESIDENT = "departmental_president", _("president of the departmental council")
    EPCI_PRESIDENT = "epci_president", _("president of an EPCI")
    EPCI_VICE_PRESIDENT = "epci_vice_president", _("vice-president of an EPCI")
    EPCI_COUNCILLOR = "epci_councillor", _("community councillor")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("awaiting verification")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")
    # Sent back by a moderator with what to change; waits for the member (or the
    # organisation's team) to act, then goes back to PENDING.
    CHANGES_REQUESTED = "changes", _("changes requested")


class Mandate(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("member"), on_delete=models.CASCADE, related_name="mandates"
    )
    role = models.CharField(_("mandate"), max_length=40, choices=MandateRole.choices)
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="mandates",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_by = models.ForeignKey(
        User,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "territory"], name="mandate_unique_user_role_territory"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.get_role_display()} — {self.territory.name}"

    @property
    def is_verified(self):
        return self.status == VerificationStatus.VERIFIED


def hash_token(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the key is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("member"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80, validators=[validate_visible_text])
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    #: After this moment the token is refused (``PARVIS_API_TOKEN_DAYS`` after its creation).
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    #: Created in a session that passed two-factor authentication: a staff member's token acts
    #: with staff powers only then (``accounts.staff``).
    created_with_mfa = models.BooleanField(
        _("created after two-factor authentication"), default=False
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()
