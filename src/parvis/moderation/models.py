"""Moderation: reports, cases, decisions with their statements of reasons, appeals, sanctions,
and the audit log of every staff action.

A reportable item (an event, a profile, an organisation, a message...) is any row of a model
registered in ``registry.py``; it gets at most one ``ModerationCase``, created by its first
report, which gathers the reports and the decisions and holds the item's moderation state
(hidden or not). Items are pointed to by content type and primary key, so the content apps
need no field and no migration to join.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportReason(models.TextChoices):
    ILLEGAL = "illegal", _("illegal content")
    HARASSMENT = "harassment", _("harassment or hate")
    SPAM = "spam", _("spam")
    FALSE_INFORMATION = "false_information", _("false information")
    OTHER = "other", _("other")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("awaiting review")
    CLOSED = "closed", _("decided")


class ModerationCase(models.Model):
    """One reported item: its reports, the decisions taken on it and its moderation state."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("item number"))
    object_repr = models.CharField(_("item"), max_length=300)
    object_url = models.CharField(_("address"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_cases",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_automatically = models.BooleanField(
        _("hidden until reviewed"),
        default=False,
        help_text=_("Hidden because several members reported it; a moderator must review it."),
    )
    is_deleted = models.BooleanField(_("deleted"), default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The moderator who handles this item (teamwork; never shown to members)."),
    )
    opened_at = models.DateTimeField(_("awaiting review since"), default=timezone.now)
    decided_at = models.DateTimeField(_("last decision at"), null=True, blank=True)
    created_at = models.DateTimeField(_("first reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("reported item")
        verbose_name_plural = _("reported items")
        ordering = ["opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="moderation_case_one_per_item"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opened_at"]),
            models.Index(
                fields=["content_type", "object_id"],
                condition=models.Q(is_hidden=True),
                name="moderation_case_hidden",
            ),
        ]

    def __str__(self):
        return self.object_repr

    def get_object(self):
        """The reported item, or ``None`` once deleted."""
        model = self.content_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.object_id).first()


class CaseNote(models.Model):
    """An internal note between moderators on a case: never shown to members (not on their
    pages, not in their data export, not in the API)."""

    case = models.ForeignKey(
        ModerationCase, verbose_name=_("item"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self):
        return self.body[:80]


class Report(models.Model):
    """A member's report of an item: one per member and item."""

    case = models.ForeignKey(
        ModerationCase, verbose_name=_("item"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="moderation_reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    outcome_sent_at = models.DateTimeField(_("outcome sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reporter"], name="moderation_report_one_per_member"
            ),
        ]
        indexes = [models.Index(fields=["reporter", "created_at"])]

    def __str__(self):
        return f"{self.get_reason_display()} — {self.case}"


class DecisionAction(models.TextChoices):
    DISMISS = "dismiss", _("dismiss the reports")
    HIDE = "hide", _("hide the content")
    RESTORE = "restore", _("restore the content")
    DELETE = "delete", _("delete the content")
    WARN = "warn", _("warn the author")
    SUSPEND = "suspend", _("suspend the author")
    BAN = "ban", _("ban the author")


#: Decisions that restrict the author: they get a statement of reasons and may appeal.
RESTRICTIVE_ACTIONS = (
    DecisionAction.HIDE,
    DecisionAction.DELETE,
    DecisionAction.WARN,
    DecisionAction.SUSPEND,
    DecisionAction.BAN,
)
#: Decisions about the author's account rather than (only) the item.
ACCOUNT_ACTIONS = (DecisionAction.WARN, DecisionAction.SUSPEND, DecisionAction.BAN)


class Ground(models.TextChoices):
    ILLEGAL = "illegal", _("illegal content")
    HARASSMENT = "harassment", _("harassment or hate")
    SPAM = "spam", _("spam")
    FALSE_INFORMATION = "false_information", _("false information")
    TERMS = "terms", _("other breach of the terms of use")
    NO_BREACH = "no_breach", _("no breach of the law or of the terms of use")


class Decision(models.Model):
    """What a moderator decided on a case, why (ground and facts), and for whom."""

    case = models.ForeignKey(
        ModerationCase, verbose_name=_("item"), on_delete=models.CASCADE, related_name="decisions"
    )
    action = models.CharField(_("decision"), max_length=10, choices=DecisionAction.choices)
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    facts = models.TextField(_("facts and reasoning"), max_length=4000)
    hide_content = models.BooleanField(_("content hidden too"), default=False)
    suspension_days = models.PositiveSmallIntegerField(
        _("suspension (days)"), null=True, blank=True
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_decisions",
    )
    created_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["author", "created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} — {self.case}"

    def get_absolute_url(self):
        """The statement of reasons (for the member concerned and staff)."""
        return reverse("moderation:statement", kwargs={"pk": self.pk})

    @property
    def is_restrictive(self):
        return self.action in RESTRICTIVE_ACTIONS


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("awaiting a moderator")
    UPHELD = "upheld", _("decision upheld")
    REVERSED = "reversed", _("decision reversed")


class Appeal(models.Model):
    """The member's appeal against a decision: one per decision, decided by another moderator."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="appeal"
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appellant"),
        on_delete=models.CASCADE,
        related_name="moderation_appeals",
    )
    statement = models.TextField(_("the member's arguments"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome_reason = models.TextField(_("reasons of the outcome"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("appealed at"), default=timezone.now)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return str(self.decision)


class SanctionKind(models.TextChoices):
    SUSPENSION = "suspension", _("suspension")
    BAN = "ban", _("ban")


class Sanction(models.Model):
    """A suspension (until ``ends_at``) or a ban (no end) of a member's account.

    While active, the member cannot log in or post. Kept apart from the ``User`` model: the
    account itself is untouched, and lifting a sanction (an appeal won) is one date.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="sanctions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SanctionKind.choices)
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sanctions",
    )
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lift_reason = models.TextField(_("reasons for lifting"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "lifted_at", "ends_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.user}"

    def is_active(self, now=None):
        now = now or timezone.now()
        return (
            self.lifted_at is None
            and self.starts_at <= now
            and (self.ends_at is None or self.ends_at > now)
        )


# --- the audit log ----------------------------------------------------------------------------


class AuditLogIsImmutable(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsImmutable("Audit entries cannot be changed.")

    def delete(self):
        raise AuditLogIsImmutable("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One staff action: who, what, on what, when and why. Written once, never changed.

    Written only through ``parvis.moderation.audit.audit_record``. The default manager refuses
    ``update()`` and ``delete()``; ``save()`` refuses to update an existing row and
    ``delete()`` always refuses. (Django's internal base manager stays plain, so that deleting
    an actor's account sets ``actor`` to NULL and keeps ``actor_repr``.)
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_repr = models.CharField(_("who (at the time)"), max_length=300, blank=True)
    action = models.CharField(_("what"), max_length=80, db_index=True)
    target_content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("type of the target"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.CharField(_("target number"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["target_content_type", "target_id"]),
            models.Index(fields=["actor", "created_at"]),
        ]

    def __str__(self):
        when = timezone.localtime(self.created_at)
        return f"{when:%d/%m/%Y %H:%M} {self.actor_repr or '—'} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsImmutable("Audit entries cannot be changed.")
        # An INSERT, never an UPDATE, even if a primary key was set by hand.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsImmutable("Audit entries cannot be deleted.")
