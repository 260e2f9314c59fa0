"""Who belongs to a group and how: memberships and roles, membership requests,
invitations and bans."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .lifecycle import Group


class Role(models.TextChoices):
    OWNER = "owner", _("owner")
    MODERATOR = "moderator", _("moderator")
    MEMBER = "member", _("member")


#: Roles that moderate a group (accept requests, remove members, pin and lock threads...).
MODERATING_ROLES = (Role.OWNER, Role.MODERATOR)


class MembershipState(models.TextChoices):
    ACTIVE = "active", _("member")
    LEFT = "left", _("left")
    REMOVED = "removed", _("removed")
    BANNED = "banned", _("banned")


class Membership(models.Model):
    """A member's place in a group; only ``active`` memberships give access. The row stays
    when the member leaves, is removed or banned (its state says so), and comes back to
    ``active`` if they join again."""

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="group_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(
        _("state"), max_length=10, choices=MembershipState.choices, default=MembershipState.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groups_membership_unique"),
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(role="owner", state="active"),
                name="groups_membership_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "state"], name="groups_membership_user"),
            models.Index(fields=["group", "state", "role"], name="groups_membership_group"),
        ]

    def __str__(self):
        return f"{self.user} — {self.group} ({self.get_role_display()})"

    @property
    def is_active(self):
        return self.state == MembershipState.ACTIVE

    @property
    def is_moderator(self):
        return self.is_active and self.role in MODERATING_ROLES


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


class JoinRequest(models.Model):
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="group_join_requests",
    )
    message = models.TextField(_("message to the moderators"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
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
    decision_message = models.TextField(_("message with the decision"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=models.Q(status="pending"),
                name="groups_joinrequest_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["group", "status"], name="groups_joinrequest_group")]

    def __str__(self):
        return f"{self.user} → {self.group}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class Invitation(models.Model):
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="invitations"
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited member"),
        on_delete=models.CASCADE,
        related_name="group_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
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
                fields=["group", "invitee"],
                condition=models.Q(status="pending"),
                name="groups_invitation_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["invitee", "status"], name="groups_invitation_invitee")]

    def __str__(self):
        return f"{self.invitee} → {self.group}"


class Ban(models.Model):
    """A member kept out of a group: they cannot join, ask or be invited again."""

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="bans"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="group_bans",
    )
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("banned by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000)
    created_at = models.DateTimeField(_("banned at"), default=timezone.now)

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groups_ban_unique"),
        ]

    def __str__(self):
        return f"{self.user} ✕ {self.group}"
