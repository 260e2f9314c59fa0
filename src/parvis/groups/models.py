"""Groups: communities of interest where residents, associations and officials talk.

A ``Group`` has members (``Membership``: owner, moderators, members), who talk in ``Thread``s
made of ``Message``s. Joining is open, on request (``JoinRequest``) or by invitation
(``Invitation``); a ``Ban`` keeps a member out for good. Messages keep their edit history
(``MessageRevision``, shown to moderators), their @mentions (``Mention``) and each member's
reading position (``ThreadRead``, for unread markers). Services record what happened as
``Activity`` rows in the same transaction: the notifications capability sends from them.

Denormalised counters and dates (``Group.member_count``, ``thread_count``,
``last_activity_at``; ``Thread.message_count``, ``last_activity_at``, ``last_message``;
``Message.position``) are maintained by the services so that lists and pages cost a fixed
number of queries, whatever the number of rows.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(
        _("description"), max_length=5000, blank=True, help_text=_("Markdown is accepted.")
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    image = models.ImageField(_("image"), upload_to=image_upload_to, blank=True)
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
            models.Index(fields=["theme", "status"], name="groups_group_theme"),
            models.Index(fields=["created_by", "created_at"], name="groups_group_creator"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups:detail", kwargs={"slug": self.slug})

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


class Thread(models.Model):
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_threads",
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    last_message = models.ForeignKey(
        "Message",
        verbose_name=_("last message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deletion_reason = models.TextField(_("reason for deletion"), blank=True)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        ordering = ["-pinned", "-last_activity_at", "-pk"]
        indexes = [
            models.Index(
                fields=["group", "-pinned", "-last_activity_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name="groups_thread_listing",
            ),
            # The latest discussions of every group (home page's "public activity"): read in
            # order on this index, the groups' filters checked on the way.
            models.Index(
                fields=["-last_activity_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name="groups_thread_activity",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("groups:thread", kwargs={"slug": self.group.slug, "pk": self.pk})

    @property
    def reply_count(self):
        return max(self.message_count - 1, 0)

    @property
    def is_deleted(self):
        return self.deleted_at is not None


#: Messages shown on one page of a thread.
MESSAGES_PER_PAGE = 30


class Message(models.Model):
    thread = models.ForeignKey(
        Thread, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="messages"
    )
    position = models.PositiveIntegerField(
        _("position"), help_text=_("1 for the first message of the discussion, then 2, 3...")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_messages",
    )
    body = models.TextField(_("message"), max_length=20000, help_text=_("Markdown is accepted."))
    body_html = models.TextField(_("rendered message"), blank=True, editable=False)
    #: The French full-text document of ``body``, kept by a PostgreSQL trigger (migration
    #: ``0002_full_text_search``); empty on other databases.
    search_vector = SearchVectorField(_("search document"), null=True, editable=False)
    quoted = models.ForeignKey(
        "self",
        verbose_name=_("quoted message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deletion_reason = models.TextField(_("reason for deletion"), blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["thread_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "position"], name="groups_message_unique_position"
            ),
        ]
        indexes = [
            models.Index(fields=["author", "created_at"], name="groups_message_author"),
            models.Index(fields=["created_at", "id"], name="groups_message_recent"),
        ]

    def __str__(self):
        return f"{self.thread} #{self.position}"

    def get_absolute_url(self):
        return reverse(
            "groups:message",
            kwargs={"slug": self.thread.group.slug, "pk": self.thread_id, "message": self.pk},
        )

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def page_number(self):
        return (self.position - 1) // MESSAGES_PER_PAGE + 1

    @property
    def anchor(self):
        return f"message-{self.pk}"


class MessageRevision(models.Model):
    """A former text of a message, kept when its author edits it (moderators see them)."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField(_("former text"))
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("message revision")
        verbose_name_plural = _("message revisions")
        ordering = ["message_id", "-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.message} @ {self.written_at:%Y-%m-%d %H:%M}"


class Mention(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentioned member"),
        on_delete=models.CASCADE,
        related_name="group_mentions",
    )
    created_at = models.DateTimeField(_("mentioned at"), default=timezone.now)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="groups_mention_unique"),
        ]

    def __str__(self):
        return f"@{self.user} in {self.message}"


class ThreadRead(models.Model):
    """When a member last read a discussion: the group page marks newer activity unread."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="group_thread_reads",
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)
    last_position = models.PositiveIntegerField(_("last message read"), default=0)

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="groups_threadread_unique"),
        ]

    def __str__(self):
        return f"{self.user} read {self.thread}"


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
