"""The group itself: its theme, visibility, joining policy and status."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.pictures import PictureField
from parvis.core.reversing import cached_reverse
from parvis.core.validators import validate_visible_text


class Theme(models.TextChoices):
    CITIZENSHIP = "citizenship", _("citizenship and local life")
    ENVIRONMENT = "environment", _("environment and nature")
    CULTURE = "culture", _("culture and heritage")
    SPORT = "sport", _("sport and leisure")
    SOLIDARITY = "solidarity", _("solidarity and social action")
    EDUCATION = "education", _("education and youth")
    HEALTH = "health", _("health and ageing well")
    ECONOMY = "economy", _("economy, jobs and trade")
    MOBILITY = "mobility", _("mobility and transport")
    AGRICULTURE = "agriculture", _("agriculture and food")
    DIGITAL = "digital", _("digital")
    OTHER = "other", _("other")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public: anyone reads, members post")
    PRIVATE = "private", _("private: only members read")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("open: anyone joins")
    REQUEST = "request", _("on request: moderators accept")
    INVITATION = "invitation", _("by invitation only")


class GroupStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed (read-only)")
    DELETED = "deleted", _("deleted")


#: Kinds of territory a group may be attached to.
GROUP_TERRITORY_KINDS = ("commune", "epci")


def image_upload_to(instance, filename):
    return f"groups/{secrets.token_hex(16)}.jpg"


class Group(models.Model):
    name = models.CharField(_("name"), max_length=120, validators=[validate_visible_text])
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(
        _("description"), max_length=5000, blank=True, help_text=_("Markdown is accepted.")
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    image = PictureField(_("image"), upload_to=image_upload_to, blank=True, kind="cover")
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discussion_groups",
        limit_choices_to={"kind__in": GROUP_TERRITORY_KINDS},
        help_text=_("A commune or an intercommunality; empty: the whole département."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owning organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussion_groups",
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("joining"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GroupStatus.choices, default=GroupStatus.ACTIVE
    )
    status_reason = models.TextField(_("reason for closing or deleting"), blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed or deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(_("closed or deleted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_groups",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    thread_count = models.PositiveIntegerField(_("discussions"), default=0)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "-last_activity_at"], name="groups_group_activity"),
            # The list of groups anyone may find (``selectors.group_list``), in its order: read
            # from the newest activity and stopped at the page's end, instead of sorting them all.
            models.Index(
                fields=["-last_activity_at", "-id"],
                name="groups_group_listed",
                condition=models.Q(status__in=["active", "closed"]),
            ),
            models.Index(fields=["theme", "status"], name="groups_group_theme"),
            models.Index(fields=["created_by", "created_at"], name="groups_group_creator"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Remembered per process: pages link the same groups again and again.
        return cached_reverse("groups:detail", slug=self.slug)

    @property
    def is_public(self):
        return self.visibility == Visibility.PUBLIC

    @property
    def is_active(self):
        return self.status == GroupStatus.ACTIVE

    @property
    def is_closed(self):
        return self.status == GroupStatus.CLOSED

    @property
    def is_deleted(self):
        return self.status == GroupStatus.DELETED
