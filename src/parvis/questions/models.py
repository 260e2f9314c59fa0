"""Questions to the elected officials ("Questions aux élus").

An identified resident asks a public ``Question`` to someone who represents them: an elected
official with a verified mandate on their commune, its intercommunality or the département, or
a verified institution (the departmental council, their town hall). A moderator reads it before
it is published (the rules are public: no personal case, no insult) and refuses it with a
statement of reasons otherwise. Once published, other residents support it (``Support``, one
per member, which also follows it) or only follow it (``Follow``); the official, or an agent of
the institution, answers publicly; an amended answer keeps its earlier wordings
(``AnswerRevision``), shown on the page. The author, or a moderator, closes a question.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.slugs import title_slug

TITLE_MAX_LENGTH = 150
BODY_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 5000


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("awaiting moderation")
    PUBLISHED = "published", _("published")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")
    REFUSED = "refused", _("refused")


#: What visitors may read.
PUBLIC_STATUSES = (QuestionStatus.PUBLISHED, QuestionStatus.ANSWERED, QuestionStatus.CLOSED)


class Theme(models.TextChoices):
    ROADS = "roads", _("roads and mobility")
    SCHOOLS = "schools", _("schools and youth")
    SOLIDARITY = "solidarity", _("solidarity and health")
    ENVIRONMENT = "environment", _("environment")
    CULTURE = "culture", _("culture and sport")
    ECONOMY = "economy", _("economy and jobs")
    TOWN = "town", _("town planning and housing")
    SAFETY = "safety", _("safety")
    OTHER = "other", _("other")


class Question(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions_asked",
    )
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune of the author"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "commune"},
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("elected official"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions_received",
    )
    institution = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions_received",
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    title = models.CharField(_("question"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("details"), max_length=BODY_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    refusal_reason = models.TextField(_("statement of reasons"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_updated_at = models.DateTimeField(_("answer amended at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
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
        verbose_name = _("question to an elected official")
        verbose_name_plural = _("questions to the elected officials")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(official__isnull=True) | Q(institution__isnull=True),
                name="question_one_addressee",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["official", "status"]),
            models.Index(fields=["institution", "status"]),
            # The territory pages' latest answers (selectors.answered_in): a commune's, and
            # those of an intercommunality or arrondissement (newest first, then the commune).
            models.Index(
                fields=["commune", "-answered_at", "-id"],
                condition=Q(status="answered", deleted_at__isnull=True),
                name="question_commune_answered",
            ),
            models.Index(
                fields=["-answered_at", "-id"],
                condition=Q(status="answered", deleted_at__isnull=True),
                name="question_answered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("questions:detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def slug(self):
        return title_slug(self.title, default="question")

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES and self.deleted_at is None

    @property
    def addressee_name(self):
        if self.institution_id:
            return self.institution.name
        if self.official_id:
            return self.official.get_full_name()
        return str(_("a former elected official"))


class AnswerRevision(models.Model):
    """An earlier wording of an answer, kept when the answer is amended (shown on the page)."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("question")
    )
    body = models.TextField(_("answer"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier wording of an answer")
        verbose_name_plural = _("earlier wordings of answers")
        ordering = ["-replaced_at"]

    def __str__(self):
        return f"{self.question_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class Support(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="supports", verbose_name=_("question")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="question_supports",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("supported at"), default=timezone.now)

    class Meta:
        verbose_name = _("support of a question")
        verbose_name_plural = _("supports of questions")
        constraints = [
            models.UniqueConstraint(fields=["question", "member"], name="question_support_once")
        ]

    def __str__(self):
        return f"{self.member_id} → {self.question_id}"


class Follow(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="follows", verbose_name=_("question")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="question_follows",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("followed at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow of a question")
        verbose_name_plural = _("follows of questions")
        constraints = [
            models.UniqueConstraint(fields=["question", "member"], name="question_follow_once")
        ]

    def __str__(self):
        return f"{self.member_id} → {self.question_id}"


class PendingQuestion(Question):
    """The moderators' queue: questions awaiting moderation (admin)."""

    class Meta:
        proxy = True
        verbose_name = _("question awaiting moderation")
        verbose_name_plural = _("questions awaiting moderation")
