"""Calls for volunteers ("Appels à bénévoles").

An organisation, a discussion group or an event's organiser opens a ``Call`` (one of the three
runs it) with ``Slot`` rows: roles or time slots, each with a number of places. Members sign up
for a slot (``Signup``, once per slot; never beyond its places) and withdraw; they are reminded
by e-mail the day before a dated slot (``Signup.reminded_at``: exactly once). The organisers
write to the volunteers and export the list as CSV. ``Skill`` rows (managed by the moderators)
are what members say they can do (``MemberSkill``, shown on their profile) and what a call asks
for.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.slugs import title_slug

TITLE_MAX_LENGTH = 150
DESCRIPTION_MAX_LENGTH = 5000
MAX_SLOTS = 30
MAX_PLACES = 500


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class MemberSkill(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer_skills",
        verbose_name=_("member"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="members", verbose_name=_("skill")
    )

    class Meta:
        verbose_name = _("skill of a member")
        verbose_name_plural = _("skills of members")
        constraints = [
            models.UniqueConstraint(fields=["member", "skill"], name="member_skill_once")
        ]

    def __str__(self):
        return f"{self.member_id}: {self.skill_id}"


class CallStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Call(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "commune"},
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="volunteer_calls",
    )
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="volunteer_calls",
    )
    event = models.ForeignKey(
        "agenda.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="volunteer_calls",
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills sought"), blank=True, related_name="calls"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.OPEN
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("call for volunteers")
        verbose_name_plural = _("calls for volunteers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, group__isnull=True, event__isnull=True)
                    | Q(organisation__isnull=True, group__isnull=False, event__isnull=True)
                    | Q(organisation__isnull=True, group__isnull=True, event__isnull=False)
                ),
                name="volunteer_call_one_runner",
            ),
        ]
        indexes = [models.Index(fields=["status", "commune", "created_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("volunteers:detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def slug(self):
        return title_slug(self.title, default="appel")

    @property
    def runner(self):
        return self.organisation or self.group or self.event


class Slot(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="slots")
    label = models.CharField(_("role or time slot"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    places = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(_("places taken"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("role or time slot")
        verbose_name_plural = _("roles and time slots")
        ordering = ["position", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=models.F("places")), name="slot_not_overbooked"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def free(self):
        return max(self.places - self.taken, 0)


class Signup(models.Model):
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer_signups",
        verbose_name=_("volunteer"),
    )
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer's sign-up")
        verbose_name_plural = _("volunteers' sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["slot", "member"], name="volunteer_signup_once")
        ]

    def __str__(self):
        return f"{self.member_id} → {self.slot_id}"
