"""Citizen consultations ("Dialogue citoyen").

An institution (an organisation of kind ``institution``, verified) asks the residents of some
territories a few questions. A ``Consultation`` holds the questions (``Question``, with their
``Option`` rows for choice questions), its audience (target territories, none for the whole
département), its opening and closing dates and when its results show.

Each member answers at most once: one ``Response`` per (consultation, member), enforced by a
unique constraint so that two simultaneous submissions can never create two; the member may
change it until closing. A response keeps the member's commune at answer time (for the
breakdowns by commune and EPCI) and one ``Answer`` row per answered question. When a member's
account is erased, their responses stay, without the member (the results do not change).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.slugs import title_slug

#: Longest free-text answer, in characters.
ANSWER_TEXT_MAX_LENGTH = 500
#: Bounds of a scale question.
SCALE_MIN, SCALE_MAX = 1, 5


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class ResultsVisibility(models.TextChoices):
    LIVE = "live", _("live, while the consultation is open")
    AFTER_CLOSING = "after_closing", _("after closing")


class Phase(models.TextChoices):
    """Where a published consultation stands in time (computed, not stored)."""

    UPCOMING = "upcoming", _("not open yet")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Consultation(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    context = models.TextField(
        _("context"),
        max_length=20000,
        blank=True,
        help_text=_("Why the institution asks, what it will do with the answers. Markdown."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="consultations",
        limit_choices_to={"kind": "institution"},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    audience = models.ManyToManyField(
        "territories.Territory",
        verbose_name=_("target territories"),
        blank=True,
        related_name="targeted_consultations",
        help_text=_("None: the whole département."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    results_visibility = models.CharField(
        _("results shown"),
        max_length=20,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSING,
    )
    conclusion = models.TextField(
        _("what we did with your answers"),
        max_length=20000,
        blank=True,
        help_text=_("Markdown. Published with the results once the consultation is closed."),
    )
    conclusion_published_at = models.DateTimeField(
        _("conclusion published at"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.DRAFT,
    )
    response_count = models.PositiveIntegerField(_("answers"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    announced_at = models.DateTimeField(
        _("announced at"),
        null=True,
        blank=True,
        help_text=_("When the members it concerns were told it is open (once)."),
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "pk"]
        indexes = [
            models.Index(fields=["status", "closes_at"]),
            models.Index(fields=["status", "opens_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = title_slug(self.title, default="consultation")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "consultations:detail", kwargs={"pk": self.pk, "slug": self.slug or "consultation"}
        )

    @property
    def is_published(self):
        return self.status == ConsultationStatus.PUBLISHED

    def phase(self, now=None):
        now = now or timezone.now()
        if now < self.opens_at:
            return Phase.UPCOMING
        if now < self.closes_at:
            return Phase.OPEN
        return Phase.CLOSED

    @property
    def is_open(self):
        return self.is_published and self.phase() == Phase.OPEN

    @property
    def is_closed(self):
        return self.phase() == Phase.CLOSED

    @property
    def has_conclusion(self):
        return bool(self.conclusion_published_at and self.conclusion.strip())


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    SCALE = "scale_1_5", _("scale from 1 to 5")
    TEXT = "short_text", _("short free text")


#: Kinds whose answers are options.
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Question(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    required = models.BooleanField(_("answer required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text

    @property
    def has_options(self):
        return self.kind in CHOICE_KINDS


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("label"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label


class Response(models.Model):
    """One member's answer to a consultation (at most one: see the unique constraint)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
    )
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune at answer time"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "member"], name="consultation_one_response_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.consultation} — {self.pk}"


class Answer(models.Model):
    """The answer of one response to one question."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    options = models.ManyToManyField(Option, blank=True, related_name="answers")
    scale = models.PositiveSmallIntegerField(_("scale value"), null=True, blank=True)
    text = models.CharField(_("text"), max_length=ANSWER_TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="consultation_one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(scale__isnull=True)
                | models.Q(scale__gte=SCALE_MIN, scale__lte=SCALE_MAX),
                name="consultation_answer_scale_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.question} — {self.response_id}"
