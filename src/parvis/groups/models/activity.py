"""What happened in a group, recorded by the services for the notifications to send."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussions import Message, Thread
from .lifecycle import Group


class ActivityKind(models.TextChoices):
    NEW_THREAD = "new_thread", _("new discussion")
    REPLY = "reply", _("reply")
    MENTION = "mention", _("mention")
    MEMBERSHIP_REQUEST = "membership_request", _("membership request")
    MEMBERSHIP_DECISION = "membership_decision", _("decision on a membership request")
    INVITATION = "invitation", _("invitation")
    MEMBER_REMOVED = "member_removed", _("member removed")
    MEMBER_BANNED = "member_banned", _("member banned")
    ROLE_CHANGED = "role_changed", _("role changed")
    OWNERSHIP_TRANSFERRED = "ownership_transferred", _("ownership transferred")
    OWNER_NEEDED = "owner_needed", _("group without an owner")
    CONTENT_MODERATED = "content_moderated", _("content removed by a moderator")
    THREAD_MOVED = "thread_moved", _("discussion moved")
    GROUP_CLOSED = "group_closed", _("group closed")
    GROUP_REOPENED = "group_reopened", _("group reopened")
    GROUP_DELETED = "group_deleted", _("group deleted")


class Audience(models.TextChoices):
    """Whom an activity is for; resolved when it is sent (``selectors.activity_recipients``)."""

    RECIPIENT = "recipient", _("one member")
    GROUP_MEMBERS = "group_members", _("the group's members")
    GROUP_MODERATORS = "group_moderators", _("the group's owner and moderators")
    THREAD_PARTICIPANTS = "thread_participants", _("the discussion's participants")
    SITE_MODERATORS = "site_moderators", _("the site's moderators")


class Activity(models.Model):
    """Something that happened in a group, recorded by the services in the same transaction
    as the change: the outbox the notifications capability sends from (and marks
    ``processed_at``). Nothing is sent from a request."""

    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    audience = models.CharField(_("audience"), max_length=30, choices=Audience.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="activities"
    )
    thread = models.ForeignKey(
        Thread,
        verbose_name=_("discussion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="group_activities",
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(processed_at__isnull=True),
                name="groups_activity_outbox",
            ),
            models.Index(fields=["recipient", "-created_at"], name="groups_activity_recipient"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.group}"
