"""Writes of groups: the group itself, its members, its discussions and messages.

Every function is keyword-only, checks the permission (``PermissionDenied``), validates its
input (``ValidationError`` with a message for the member, nothing changed), writes in a
transaction and records what happened as ``Activity`` rows in that same transaction — the
notifications capability sends from them, after commit, in a worker (see
``signals.activity_recorded``). Nothing here sends e-mail.

The "no orphan" rule: a group always has one owner while it has members. When the owner
leaves, is removed from the site or their account is erased, ownership passes to the
longest-standing moderator, else to the longest-standing member; a group left with no member
at all records an ``owner_needed`` activity for the site moderators.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.accounts.rules import is_identified_member
from parvis.core import pagecache
from parvis.core.images import process_image
from parvis.core.richtext import render_markdown
from parvis.moderation.safeguards import (
    check_links_allowed,
    check_not_sanctioned,
    check_posting_allowed,
)
from parvis.moderation.selectors import hidden_from
from parvis.organisations.models import OrganisationMembership

from . import mentions as mention_parser
from .models import (
    GROUP_TERRITORY_KINDS,
    Activity,
    ActivityKind,
    Audience,
    Ban,
    Group,
    GroupStatus,
    Invitation,
    InvitationStatus,
    JoinPolicy,
    JoinRequest,
    Membership,
    MembershipState,
    Mention,
    Message,
    MessageRevision,
    RequestStatus,
    Role,
    Theme,
    Thread,
    ThreadRead,
    Visibility,
)
from .selectors import forget_membership, is_site_moderator, membership_of, mentionable_members

#: A member may create at most this many groups in ``GROUP_CREATE_WINDOW``.
GROUP_CREATE_LIMIT = 3
GROUP_CREATE_WINDOW = dt.timedelta(days=1)
#: A member may post at most this many messages in ``MESSAGE_WINDOW`` (all groups together).
MESSAGE_LIMIT = 30
MESSAGE_WINDOW = dt.timedelta(minutes=10)
MESSAGE_MAX_LENGTH = 20000
TITLE_MAX_LENGTH = 200
SHORT_TEXT_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 2000
#: Paths under /groupes/ that a group's slug must not shadow.
RESERVED_SLUGS = {"nouveau", "invitations", "recherche", "mes-groupes"}

GROUP_FIELDS = (
    "name",
    "description",
    "theme",
    "territory",
    "organisation",
    "visibility",
    "join_policy",
)


# --- helpers ------------------------------------------------------------------------------


def _clean_text(value, *, field, label, max_length, required=True):
    """``value`` stripped, without NUL characters; an error names ``label`` if it is empty
    (when ``required``) or longer than ``max_length``."""
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: _("%(label)s cannot be empty.") % {"label": label}})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("%(label)s is too long (%(max)s characters at most, not %(count)s).")
                % {"label": label, "max": max_length, "count": len(text)}
            }
        )
    return text


def _record(
    kind, *, group, audience, actor=None, thread=None, message=None, recipient=None, **data
):
    """An activity, recorded in the caller's transaction; announced after commit."""
    from .signals import announce_activity

    activity = Activity.objects.create(
        kind=kind,
        audience=audience,
        group=group,
        actor=actor if actor is not None and actor.is_authenticated else None,
        thread=thread,
        message=message,
        recipient=recipient,
        data=data,
    )
    announce_activity(activity)
    return activity


def _require(user, permission, obj, message):
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message)


def _require_active_group(group):
    if group.status == GroupStatus.CLOSED:
        raise ValidationError(_("This group is closed: it can be read but no longer changes."))
    if group.status == GroupStatus.DELETED:
        raise ValidationError(_("This group was deleted."))


def _refresh_member_count(group):
    count = Membership.objects.filter(group=group, state=MembershipState.ACTIVE).count()
    Group.objects.filter(pk=group.pk).update(member_count=count)
    group.member_count = count
    forget_membership(group)


def _lock_group(group):
    """Lock the group row until the end of the transaction (membership changes one at a
    time: the owner rule and the counters stay right under concurrency)."""
    return Group.objects.select_for_update().get(pk=group.pk)


def _unique_slug(name, *, exclude_pk=None):
    base = slugify(name)[:130].strip("-") or "groupe"
    taken = set(
        Group.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    taken |= RESERVED_SLUGS
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _validate_group_fields(group, *, actor):
    errors = {}
    if group.theme not in Theme.values:
        errors["theme"] = [_("Choose one of the themes.")]
    if group.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose public or private.")]
    if group.join_policy not in JoinPolicy.values:
        errors["join_policy"] = [_("Choose how members join.")]
    if group.territory_id and group.territory.kind not in GROUP_TERRITORY_KINDS:
        errors["territory"] = [_("Choose a commune or an intercommunality.")]
    if errors:
        raise ValidationError(errors)
    group.full_clean(exclude=["image", "slug", "created_by", "status_changed_by"])


def _check_organisation(organisation, actor):
    if organisation is None or is_site_moderator(actor):
        return
    if not OrganisationMembership.objects.filter(organisation=organisation, user=actor).exists():
        raise ValidationError(
            {"organisation": _("A group can only belong to an organisation you help run.")}
        )


def _set_image(group, image):
    """``image``: an uploaded file (checked and re-encoded), ``False`` to remove the image,
    ``None`` to leave it alone. Returns whether it changed."""
    if image is None:
        return False
    if image is False:
        if not group.image:
            return False
        group.image = ""
        return True
    try:
        clean = process_image(image, max_size=(1200, 1200))
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    group.image.save("image.jpg", clean, save=False)
    return True


# --- groups -------------------------------------------------------------------------------


def group_create(
    *,
    creator: User,
    name: str,
    theme: str,
    description: str = "",
    territory=None,
    organisation=None,
    visibility: str = Visibility.PUBLIC,
    join_policy: str = JoinPolicy.OPEN,
    image=None,
) -> Group:
    """Create a group owned by ``creator`` (an identified member), at most
    ``GROUP_CREATE_LIMIT`` a day each. ``image``: an uploaded file or ``None``."""
    if not is_identified_member(creator):
        raise PermissionDenied(
            _("Only identified members (verified e-mail, commune given) may create a group.")
        )
    group = Group(
        name=_clean_text(name, field="name", label=_("The name"), max_length=120),
        description=_clean_text(
            description,
            field="description",
            label=_("The description"),
            max_length=5000,
            required=False,
        ),
        theme=theme,
        territory=territory,
        organisation=organisation,
        visibility=visibility,
        join_policy=join_policy,
        created_by=creator,
        member_count=1,
    )
    _check_organisation(organisation, creator)
    group.slug = _unique_slug(group.name)
    _validate_group_fields(group, actor=creator)
    check_not_sanctioned(creator)
    for attempt in range(3):
        try:
            with transaction.atomic():
                User.objects.select_for_update().filter(pk=creator.pk).first()
                recent = Group.objects.filter(
                    created_by=creator, created_at__gte=timezone.now() - GROUP_CREATE_WINDOW
                ).count()
                if recent >= GROUP_CREATE_LIMIT and not is_site_moderator(creator):
                    raise ValidationError(
                        _(
                            "You have created %(count)s groups in the last 24 hours: "
                            "wait a little before creating another one."
                        )
                        % {"count": recent},
                        code="rate_limited",
                    )
                _set_image(group, image)
                group.save()
                Membership.objects.create(group=group, user=creator, role=Role.OWNER)
            break
        except IntegrityError:
            if attempt == 2:
                raise
            group.pk = None
            group.slug = _unique_slug(group.name)
    return group


def group_update(*, group: Group, actor: User, **changes) -> Group:
    """Change the group's settings (its owner, or a site moderator). Keys: those of
    ``group_create`` except ``creator``; ``image=False`` removes the image. The address
    (slug) stays the same when the name changes, so links keep working."""
    _require(
        actor,
        "groups.change_group_settings",
        group,
        _("Only the group's owner may change its settings."),
    )
    unknown = set(changes) - set(GROUP_FIELDS) - {"image"}
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    group = Group.objects.select_related("territory").get(pk=group.pk)
    changed = set()
    for name in GROUP_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if name == "name":
            value = _clean_text(value, field="name", label=_("The name"), max_length=120)
        elif name == "description":
            value = _clean_text(
                value,
                field="description",
                label=_("The description"),
                max_length=5000,
                required=False,
            )
        if name in {"territory", "organisation"}:
            current = getattr(group, f"{name}_id")
            if current != (value.pk if value is not None else None):
                if name == "organisation":
                    _check_organisation(value, actor)
                setattr(group, name, value)
                changed.add(name)
        elif getattr(group, name) != value:
            setattr(group, name, value)
            changed.add(name)
    _validate_group_fields(group, actor=actor)
    with transaction.atomic():
        if _set_image(group, changes.get("image")):
            changed.add("image")
        if changed:
            group.save(update_fields=sorted(changed | {"updated_at"}))
    return group


def _require_site_moderator(moderator):
    if not is_site_moderator(moderator):
        raise PermissionDenied(_("Only the site's moderators may do this."))


def _set_status(group, *, moderator, status, reason, kind):
    group.status = status
    group.status_reason = reason
    group.status_changed_by = moderator
    group.status_changed_at = timezone.now()
    with transaction.atomic():
        group.save(
            update_fields=[
                "status",
                "status_reason",
                "status_changed_by",
                "status_changed_at",
                "updated_at",
            ]
        )
        _record(kind, group=group, audience=Audience.GROUP_MEMBERS, actor=moderator, reason=reason)
    return group


def group_close(*, group: Group, moderator: User, reason: str) -> Group:
    """A site moderator closes a group: it stays readable, nothing can be posted or changed.
    The members are told, with the reason."""
    _require_site_moderator(moderator)
    reason = _clean_text(
        reason, field="reason", label=_("The reason"), max_length=REASON_MAX_LENGTH
    )
    if group.status != GroupStatus.ACTIVE:
        raise ValidationError(_("Only an active group can be closed."))
    return _set_status(
        group,
        moderator=moderator,
        status=GroupStatus.CLOSED,
        reason=reason,
        kind=ActivityKind.GROUP_CLOSED,
    )


def group_reopen(*, group: Group, moderator: User) -> Group:
    """A site moderator reopens a closed (or deleted) group."""
    _require_site_moderator(moderator)
    if group.status == GroupStatus.ACTIVE:
        raise ValidationError(_("This group is already open."))
    return _set_status(
        group,
        moderator=moderator,
        status=GroupStatus.ACTIVE,
        reason="",
        kind=ActivityKind.GROUP_REOPENED,
    )


def group_delete(*, group: Group, moderator: User, reason: str) -> Group:
    """A site moderator deletes a group: it disappears from the site for everyone but the
    site moderators (who may reopen it); nothing is erased, so a decision can be appealed.
    The members are told, with the reason."""
    _require_site_moderator(moderator)
    reason = _clean_text(
        reason, field="reason", label=_("The reason"), max_length=REASON_MAX_LENGTH
    )
    if group.status == GroupStatus.DELETED:
        raise ValidationError(_("This group is already deleted."))
    return _set_status(
        group,
        moderator=moderator,
        status=GroupStatus.DELETED,
        reason=reason,
        kind=ActivityKind.GROUP_DELETED,
    )


# --- joining ------------------------------------------------------------------------------


def _refuse_if_banned(group, user):
    if Ban.objects.filter(group=group, user=user).exists():
        raise PermissionDenied(_("You can no longer join this group."))


def _activate(group, user, *, role=Role.MEMBER):
    """Make ``user`` an active member (a new row, or their former one back)."""
    membership, created = Membership.objects.get_or_create(
        group=group, user=user, defaults={"role": role}
    )
    if not created:
        if membership.state == MembershipState.ACTIVE:
            return membership
        membership.state = MembershipState.ACTIVE
        membership.role = role
        membership.joined_at = timezone.now()
        membership.left_at = None
        membership.save(update_fields=["state", "role", "joined_at", "left_at"])
    # Any pending invitation or request is now answered.
    Invitation.objects.filter(group=group, invitee=user, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.ACCEPTED, responded_at=timezone.now()
    )
    _refresh_member_count(group)
    return membership


def _check_can_enter(group, user):
    if not is_identified_member(user):
        raise PermissionDenied(
            _("Only identified members (verified e-mail, commune given) may join a group.")
        )
    _require_active_group(group)
    _refuse_if_banned(group, user)
    if membership_of(user, group) is not None:
        raise ValidationError(_("You are already a member of this group."), code="member")


def membership_join(*, group: Group, user: User) -> Membership:
    """Join an open group."""
    _check_can_enter(group, user)
    if group.join_policy != JoinPolicy.OPEN:
        raise ValidationError(_("This group is not open: ask to join, or wait for an invitation."))
    with transaction.atomic():
        locked = _lock_group(group)
        membership = _activate(locked, user)
    group.member_count = locked.member_count
    forget_membership(group)
    return membership


def membership_request(*, group: Group, user: User, message: str = "") -> JoinRequest:
    """Ask to join a group whose members join on request; its moderators are told."""
    _check_can_enter(group, user)
    if group.join_policy == JoinPolicy.OPEN:
        raise ValidationError(_("This group is open: join it directly."))
    if group.join_policy == JoinPolicy.INVITATION:
        raise ValidationError(_("This group's members join by invitation only."))
    message = _clean_text(
        message,
        field="message",
        label=_("The message"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
    )
    join_request = JoinRequest(group=group, user=user, message=message)
    try:
        with transaction.atomic():
            join_request.save()
            _record(
                ActivityKind.MEMBERSHIP_REQUEST,
                group=group,
                audience=Audience.GROUP_MODERATORS,
                actor=user,
                request_id=join_request.pk,
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already asked to join this group: the moderators will answer."),
            code="pending",
        ) from None
    return join_request


def request_withdraw(*, join_request: JoinRequest, user: User) -> JoinRequest:
    if join_request.user_id != user.pk:
        raise PermissionDenied(_("This request is not yours."))
    if join_request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."))
    join_request.status = RequestStatus.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    return join_request


def _decide(join_request, moderator, message):
    group = join_request.group
    _require(
        moderator,
        "groups.manage_members",
        group,
        _("Only the group's moderators may answer membership requests."),
    )
    if join_request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."))
    return _clean_text(
        message,
        field="message",
        label=_("The message"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
    )


def request_accept(*, join_request: JoinRequest, moderator: User, message: str = "") -> Membership:
    """Accept a membership request (with an optional message); the member is told."""
    message = _decide(join_request, moderator, message)
    group = join_request.group
    with transaction.atomic():
        group = _lock_group(group)
        if Ban.objects.filter(group=group, user_id=join_request.user_id).exists():
            raise ValidationError(_("This member is banned from the group: lift the ban first."))
        join_request.status = RequestStatus.ACCEPTED
        join_request.decided_by = moderator
        join_request.decided_at = timezone.now()
        join_request.decision_message = message
        join_request.save(update_fields=["status", "decided_by", "decided_at", "decision_message"])
        membership = _activate(group, join_request.user)
        _record(
            ActivityKind.MEMBERSHIP_DECISION,
            group=group,
            audience=Audience.RECIPIENT,
            actor=moderator,
            recipient=join_request.user,
            accepted=True,
            note=message,
        )
    join_request.group.member_count = group.member_count
    forget_membership(join_request.group)
    return membership


def request_refuse(*, join_request: JoinRequest, moderator: User, message: str = "") -> JoinRequest:
    """Refuse a membership request (with an optional message); the member is told and may
    ask again later (ban them to prevent it)."""
    message = _decide(join_request, moderator, message)
    with transaction.atomic():
        join_request.status = RequestStatus.REFUSED
        join_request.decided_by = moderator
        join_request.decided_at = timezone.now()
        join_request.decision_message = message
        join_request.save(update_fields=["status", "decided_by", "decided_at", "decision_message"])
        _record(
            ActivityKind.MEMBERSHIP_DECISION,
            group=join_request.group,
            audience=Audience.RECIPIENT,
            actor=moderator,
            recipient=join_request.user,
            accepted=False,
            note=message,
        )
    return join_request


def invitation_create(
    *, group: Group, inviter: User, invitee: User | None = None, email: str = "", message: str = ""
) -> Invitation | None:
    """Invite a member (``invitee``, or the identified member owning ``email``) to join.

    With ``email``, returns ``None`` without saying why when the address belongs to no
    identified member or they are already invited: the page answers the same in every case,
    so nobody can test which addresses are registered.
    """
    _require(inviter, "groups.manage_members", group, _("Only the group's moderators may invite."))
    message = _clean_text(
        message,
        field="message",
        label=_("The message"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
    )
    quiet = invitee is None
    if invitee is None:
        email = (email or "").strip()
        invitee = (
            User.objects.filter(
                email__iexact=email,
                is_active=True,
                emailaddress__email__iexact=email,
                emailaddress__verified=True,
            )
            .distinct()
            .first()
            if email
            else None
        )
        if invitee is None:
            return None
    if not invitee.is_active:
        raise ValidationError(_("This member can no longer be invited."))
    if membership_of(invitee, group) is not None:
        raise ValidationError({"email": _("This person is already a member of the group.")})
    if Ban.objects.filter(group=group, user=invitee).exists():
        raise ValidationError(
            {"email": _("This member is banned from the group: lift the ban first.")}
        )
    invitation = Invitation(group=group, invitee=invitee, invited_by=inviter, message=message)
    try:
        with transaction.atomic():
            invitation.save()
            _record(
                ActivityKind.INVITATION,
                group=group,
                audience=Audience.RECIPIENT,
                actor=inviter,
                recipient=invitee,
                invitation_id=invitation.pk,
                note=message,
            )
    except IntegrityError:
        if quiet:
            return None
        raise ValidationError(_("This member is already invited.")) from None
    return invitation


def _answerable(invitation, user):
    if invitation.invitee_id != user.pk:
        raise PermissionDenied(_("This invitation is not addressed to you."))
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation has already been answered or withdrawn."))


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Accept an invitation: the member joins, whatever the group's joining policy."""
    _answerable(invitation, user)
    group = invitation.group
    if not is_identified_member(user):
        raise PermissionDenied(
            _("Only identified members (verified e-mail, commune given) may join a group.")
        )
    _require_active_group(group)
    _refuse_if_banned(group, user)
    with transaction.atomic():
        locked = _lock_group(group)
        membership = _activate(locked, user)
        invitation.status = InvitationStatus.ACCEPTED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
        JoinRequest.objects.filter(group=group, user=user, status=RequestStatus.PENDING).update(
            status=RequestStatus.ACCEPTED, decided_at=timezone.now()
        )
    group.member_count = locked.member_count
    forget_membership(group)
    return membership


def invitation_decline(*, invitation: Invitation, user: User) -> Invitation:
    _answerable(invitation, user)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def invitation_cancel(*, invitation: Invitation, actor: User) -> Invitation:
    _require(
        actor,
        "groups.manage_members",
        invitation.group,
        _("Only the group's moderators may withdraw an invitation."),
    )
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation has already been answered or withdrawn."))
    invitation.status = InvitationStatus.CANCELLED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


# --- leaving, removing, banning, roles ---------------------------------------------------


def _hand_over_ownership(group, *, leaving, actor=None):
    """``leaving`` (the owner's membership) is about to stop being active: give the group
    to the longest-standing moderator, else member; else ask the site moderators. Call
    inside a transaction, with the group locked."""
    successor = (
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
        .exclude(pk=leaving.pk)
        .exclude(user__is_active=False)
        .annotate(
            moderator_first=Case(
                When(role=Role.MODERATOR, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("moderator_first", "joined_at", "pk")
        .first()
    )
    leaving.role = Role.MEMBER
    leaving.save(update_fields=["role"])
    if successor is None:
        _record(
            ActivityKind.OWNER_NEEDED,
            group=group,
            audience=Audience.SITE_MODERATORS,
            actor=actor,
        )
        return None
    successor.role = Role.OWNER
    successor.save(update_fields=["role"])
    _record(
        ActivityKind.OWNERSHIP_TRANSFERRED,
        group=group,
        audience=Audience.RECIPIENT,
        actor=actor,
        recipient=successor.user,
        automatic=True,
    )
    return successor


def _deactivate(group, membership, *, state, actor):
    """Take ``membership`` out of the group (left, removed or banned), owner handed over."""
    if membership.role == Role.OWNER:
        _hand_over_ownership(group, leaving=membership, actor=actor)
    elif membership.role == Role.MODERATOR:
        membership.role = Role.MEMBER
    membership.state = state
    membership.left_at = timezone.now()
    membership.save(update_fields=["state", "role", "left_at"])
    ThreadRead.objects.filter(user_id=membership.user_id, thread__group=group).delete()
    _refresh_member_count(group)


def membership_leave(*, group: Group, user: User) -> Membership:
    """Leave a group (also a closed one). The owner's group passes to a successor (see the
    module's docstring). A private group's content is unreadable at once."""
    with transaction.atomic():
        locked = _lock_group(group)
        membership = Membership.objects.filter(
            group=locked, user=user, state=MembershipState.ACTIVE
        ).first()
        if membership is None:
            raise ValidationError(_("You are not a member of this group."))
        _deactivate(locked, membership, state=MembershipState.LEFT, actor=user)
    group.member_count = locked.member_count
    forget_membership(group)
    return membership


def _check_can_act_on(actor, membership, *, action):
    group = membership.group
    _require(
        actor,
        "groups.manage_members",
        group,
        _("Only the group's moderators may %(action)s members.") % {"action": action},
    )
    if membership.user_id == actor.pk:
        raise ValidationError(_("You cannot do this to yourself: leave the group instead."))
    if membership.role == Role.OWNER and not is_site_moderator(actor):
        raise PermissionDenied(_("The group's owner cannot be removed or banned."))
    actor_role = membership_of(actor, group).role if membership_of(actor, group) else None
    if (
        membership.role == Role.MODERATOR
        and actor_role != Role.OWNER
        and not is_site_moderator(actor)
    ):
        raise PermissionDenied(_("Only the owner may remove or ban a moderator."))


def member_remove(*, membership: Membership, actor: User, reason: str = "") -> Membership:
    """A group moderator removes a member (who may join or ask again); they are told."""
    if membership.state != MembershipState.ACTIVE:
        raise ValidationError(_("This person is not a member of the group any more."))
    _check_can_act_on(actor, membership, action=_("remove"))
    reason = _clean_text(
        reason,
        field="reason",
        label=_("The reason"),
        max_length=REASON_MAX_LENGTH,
        required=False,
    )
    group = membership.group
    with transaction.atomic():
        locked = _lock_group(group)
        _deactivate(locked, membership, state=MembershipState.REMOVED, actor=actor)
        _record(
            ActivityKind.MEMBER_REMOVED,
            group=locked,
            audience=Audience.RECIPIENT,
            actor=actor,
            recipient=membership.user,
            reason=reason,
        )
    group.member_count = locked.member_count
    forget_membership(group)
    return membership


def member_ban(*, group: Group, user: User, actor: User, reason: str) -> Ban:
    """A group moderator bans ``user`` (a member or not, e.g. the author of unwanted
    requests): removed if a member, their requests refused and invitations withdrawn; they
    can no longer join, ask or be invited. The reason is required and sent to them."""
    reason = _clean_text(
        reason, field="reason", label=_("The reason"), max_length=REASON_MAX_LENGTH
    )
    membership = Membership.objects.filter(group=group, user=user).select_related("group").first()
    if membership is not None and membership.state == MembershipState.ACTIVE:
        _check_can_act_on(actor, membership, action=_("ban"))
    else:
        _require(actor, "groups.manage_members", group, _("Only the group's moderators may ban."))
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot ban yourself."))
    with transaction.atomic():
        locked = _lock_group(group)
        ban, created = Ban.objects.get_or_create(
            group=locked, user=user, defaults={"banned_by": actor, "reason": reason}
        )
        if not created:
            raise ValidationError(_("This member is already banned."))
        if membership is not None and membership.state == MembershipState.ACTIVE:
            _deactivate(locked, membership, state=MembershipState.BANNED, actor=actor)
        elif membership is not None:
            membership.state = MembershipState.BANNED
            membership.save(update_fields=["state"])
        now = timezone.now()
        JoinRequest.objects.filter(group=locked, user=user, status=RequestStatus.PENDING).update(
            status=RequestStatus.REFUSED, decided_by=actor, decided_at=now
        )
        Invitation.objects.filter(
            group=locked, invitee=user, status=InvitationStatus.PENDING
        ).update(status=InvitationStatus.CANCELLED, responded_at=now)
        _record(
            ActivityKind.MEMBER_BANNED,
            group=locked,
            audience=Audience.RECIPIENT,
            actor=actor,
            recipient=user,
            reason=reason,
        )
    group.member_count = locked.member_count
    forget_membership(group)
    return ban


def ban_lift(*, ban: Ban, actor: User) -> None:
    """Lift a ban: the person may ask, be invited or join again (they are not re-added)."""
    _require(
        actor, "groups.manage_members", ban.group, _("Only the group's moderators may do this.")
    )
    with transaction.atomic():
        Membership.objects.filter(
            group=ban.group, user_id=ban.user_id, state=MembershipState.BANNED
        ).update(state=MembershipState.REMOVED)
        ban.delete()
    forget_membership(ban.group)


def role_change(*, membership: Membership, actor: User, role: str) -> Membership:
    """The owner (or a site moderator) makes a member moderator, or a moderator member.
    Ownership changes hands with ``ownership_transfer`` only."""
    group = membership.group
    _require(actor, "groups.change_roles", group, _("Only the group's owner may change roles."))
    if role not in (Role.MODERATOR, Role.MEMBER):
        raise ValidationError(
            {"role": _("Choose moderator or member (the owner transfers ownership instead).")}
        )
    if membership.state != MembershipState.ACTIVE:
        raise ValidationError(_("This person is not a member of the group any more."))
    if membership.role == Role.OWNER:
        raise ValidationError(_("The owner's role changes by transferring ownership."))
    if membership.role == role:
        return membership
    with transaction.atomic():
        membership.role = role
        membership.save(update_fields=["role"])
        _record(
            ActivityKind.ROLE_CHANGED,
            group=group,
            audience=Audience.RECIPIENT,
            actor=actor,
            recipient=membership.user,
            role=role,
        )
    forget_membership(group)
    return membership


def ownership_transfer(*, group: Group, actor: User, new_owner: User) -> Membership:
    """The owner gives the group to another active member and becomes a moderator. A site
    moderator may also give an ownerless group (or any group) to one of its members."""
    _require(
        actor,
        "groups.transfer_ownership",
        group,
        _("Only the group's owner may transfer ownership."),
    )
    if new_owner.pk == actor.pk and not is_site_moderator(actor):
        raise ValidationError(_("You already own this group."))
    with transaction.atomic():
        locked = _lock_group(group)
        target = Membership.objects.filter(
            group=locked, user=new_owner, state=MembershipState.ACTIVE
        ).first()
        if target is None or not new_owner.is_active:
            raise ValidationError(
                {"new_owner": _("The new owner must be an active member of the group.")}
            )
        if target.role == Role.OWNER:
            return target
        Membership.objects.filter(
            group=locked, role=Role.OWNER, state=MembershipState.ACTIVE
        ).update(role=Role.MODERATOR)
        target.role = Role.OWNER
        target.save(update_fields=["role"])
        _record(
            ActivityKind.OWNERSHIP_TRANSFERRED,
            group=locked,
            audience=Audience.RECIPIENT,
            actor=actor,
            recipient=new_owner,
            automatic=False,
        )
    forget_membership(group)
    return target


def memberships_release(*, user: User) -> int:
    """Take ``user`` out of every group (their account is being erased or deactivated):
    each group they own passes to a successor. Returns the number of groups left."""
    count = 0
    group_ids = list(
        Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values_list(
            "group_id", flat=True
        )
    )
    for group in Group.objects.filter(pk__in=group_ids):
        with transaction.atomic():
            locked = _lock_group(group)
            membership = Membership.objects.filter(
                group=locked, user=user, state=MembershipState.ACTIVE
            ).first()
            if membership is None:
                continue
            _deactivate(locked, membership, state=MembershipState.LEFT, actor=None)
            count += 1
    return count


# --- discussions and messages -------------------------------------------------------------


def _check_flood(author):
    if is_site_moderator(author):
        return
    recent = Message.objects.filter(
        author=author, created_at__gte=timezone.now() - MESSAGE_WINDOW
    ).count()
    if recent >= MESSAGE_LIMIT:
        raise ValidationError(
            _("You have posted many messages in a few minutes: wait a little, then try again."),
            code="rate_limited",
        )


def _check_moderation_safeguards(author, text):
    """The moderation app's safeguards (``parvis.moderation.safeguards``): a suspended or
    banned member may not post; a new account's text with many links is refused (messages
    have no review queue: the member is asked to remove links); a new account posts a few
    messages a day at most (threads and replies counted together, as ``"message"``)."""
    check_links_allowed(author, text)
    check_posting_allowed(author, "message")


def _clean_body(body):
    return _clean_text(body, field="body", label=_("The message"), max_length=MESSAGE_MAX_LENGTH)


def _record_mentions(message, *, group, author, already=()):
    """Record the @mentions of ``message`` (active members of ``group`` only, never the
    author, each once); returns the users newly mentioned."""
    handles = mention_parser.handles_in(message.body)
    if not handles:
        return []
    members = mentionable_members(group).exclude(pk=author.pk)
    mentioned = [
        user for user in mention_parser.resolve(handles, members) if user.pk not in set(already)
    ]
    Mention.objects.bulk_create(
        [Mention(message=message, user=user) for user in mentioned], ignore_conflicts=True
    )
    for user in mentioned:
        _record(
            ActivityKind.MENTION,
            group=group,
            audience=Audience.RECIPIENT,
            actor=author,
            thread=message.thread,
            message=message,
            recipient=user,
        )
    return mentioned


def _append_message(thread, *, author, body, quoted=None):
    """Add a message at the end of ``thread`` (locked), keeping the counters right."""
    now = timezone.now()
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    message = Message(
        thread=locked,
        position=locked.message_count + 1,
        author=author,
        body=body,
        body_html=render_markdown(body),
        quoted=quoted,
        created_at=now,
    )
    message.full_clean(exclude=["thread", "author", "quoted", "deleted_by"])
    message.save()
    Thread.objects.filter(pk=locked.pk).update(
        message_count=F("message_count") + 1, last_activity_at=now, last_message=message
    )
    Group.objects.filter(pk=locked.group_id).update(last_activity_at=now)
    ThreadRead.objects.update_or_create(
        user=author, thread=locked, defaults={"read_at": now, "last_position": message.position}
    )
    thread.message_count = locked.message_count + 1
    thread.last_activity_at = now
    thread.last_message = message
    message.thread = thread
    return message


def thread_create(*, group: Group, author: User, title: str, body: str) -> Thread:
    """Start a discussion (a title and a first message) in ``group``; its members are told,
    and the members it mentions."""
    title = _clean_text(title, field="title", label=_("The title"), max_length=TITLE_MAX_LENGTH)
    body = _clean_body(body)
    _require_active_group(group)
    _require(
        author,
        "groups.start_thread",
        group,
        _("Only the group's members may start a discussion."),
    )
    _check_flood(author)
    _check_moderation_safeguards(author, f"{title}\n{body}")
    with transaction.atomic():
        thread = Thread.objects.create(group=group, title=title, author=author)
        message = _append_message(thread, author=author, body=body)
        Group.objects.filter(pk=group.pk).update(thread_count=F("thread_count") + 1)
        mentioned = _record_mentions(message, group=group, author=author)
        _record(
            ActivityKind.NEW_THREAD,
            group=group,
            audience=Audience.GROUP_MEMBERS,
            actor=author,
            thread=thread,
            message=message,
            mentioned_ids=[user.pk for user in mentioned],
        )
    thread.group = group
    return thread


def message_post(
    *, thread: Thread, author: User, body: str, quoted: Message | None = None
) -> Message:
    """Reply in ``thread``, optionally quoting one of its messages (not a deleted one). The
    thread's participants are told, and the members the reply mentions."""
    body = _clean_body(body)
    group = thread.group
    if thread.deleted_at is not None:
        raise ValidationError(_("This discussion was deleted."))
    _require_active_group(group)
    if membership_of(author, group) is None:
        raise PermissionDenied(_("Only the group's members may reply."))
    if thread.locked and not author.has_perm("groups.reply_to_thread", thread):
        raise ValidationError(_("This discussion is locked: no more replies."))
    _require(author, "groups.reply_to_thread", thread, _("You may not reply here."))
    if quoted is not None:
        if quoted.thread_id != thread.pk:
            raise ValidationError({"quoted": _("You can only quote a message of this discussion.")})
        if quoted.deleted_at is not None:
            raise ValidationError({"quoted": _("This message was deleted: it cannot be quoted.")})
        if hidden_from(quoted, author):
            raise ValidationError(
                {"quoted": _("This message was hidden by moderation: it cannot be quoted.")}
            )
    _check_flood(author)
    _check_moderation_safeguards(author, body)
    with transaction.atomic():
        message = _append_message(thread, author=author, body=body, quoted=quoted)
        mentioned = _record_mentions(message, group=group, author=author)
        _record(
            ActivityKind.REPLY,
            group=group,
            audience=Audience.THREAD_PARTICIPANTS,
            actor=author,
            thread=thread,
            message=message,
            mentioned_ids=[user.pk for user in mentioned],
            quoted_author_id=quoted.author_id if quoted is not None else None,
        )
    return message


def message_edit(*, message: Message, editor: User, body: str) -> Message:
    """The author changes their message; the former text is kept (moderators see it).
    Members newly mentioned are told."""
    body = _clean_body(body)
    thread = message.thread
    if message.deleted_at is not None:
        raise ValidationError(_("This message was deleted."))
    _require_active_group(thread.group)
    if thread.locked:
        raise ValidationError(_("This discussion is locked: messages can no longer be edited."))
    _require(editor, "groups.edit_message", message, _("Only its author may edit a message."))
    if body == message.body:
        return message
    check_not_sanctioned(editor)
    check_links_allowed(editor, body)
    now = timezone.now()
    with transaction.atomic():
        MessageRevision.objects.create(
            message=message,
            body=message.body,
            written_at=message.edited_at or message.created_at,
            replaced_at=now,
        )
        already = list(message.mentions.values_list("user_id", flat=True))
        message.body = body
        message.body_html = render_markdown(body)
        message.edited_at = now
        message.save(update_fields=["body", "body_html", "edited_at"])
        _record_mentions(message, group=thread.group, author=editor, already=already)
    return message


def message_delete(*, message: Message, actor: User, reason: str = "") -> Message:
    """Delete a message; a placeholder keeps the discussion readable.

    Its author's own deletion erases the text, its history and its mentions. A moderator's
    deletion (of someone else's message) needs a reason, sent to the author; the text is
    kept out of sight for an appeal (site moderators see it in the admin).
    """
    if message.deleted_at is not None:
        raise ValidationError(_("This message is already deleted."))
    _require(actor, "groups.delete_message", message, _("You may not delete this message."))
    own = message.author_id == actor.pk
    if not own:
        reason = _clean_text(
            reason, field="reason", label=_("The reason"), max_length=REASON_MAX_LENGTH
        )
    with transaction.atomic():
        message.deleted_at = timezone.now()
        message.deleted_by = actor
        fields = ["deleted_at", "deleted_by"]
        if own:
            message.body = ""
            message.body_html = ""
            message.deletion_reason = ""
            message.revisions.all().delete()
            message.mentions.all().delete()
            fields += ["body", "body_html", "deletion_reason"]
        else:
            message.deletion_reason = reason
            fields.append("deletion_reason")
            if message.author_id:
                _record(
                    ActivityKind.CONTENT_MODERATED,
                    group=message.thread.group,
                    audience=Audience.RECIPIENT,
                    actor=actor,
                    thread=message.thread,
                    recipient=message.author,
                    reason=reason,
                    what="message",
                    message_id=message.pk,
                )
        message.save(update_fields=fields)
    return message


def _require_thread_moderator(thread, actor):
    _require(
        actor,
        "groups.moderate_thread",
        thread,
        _("Only the group's moderators may do this."),
    )


def thread_pin(*, thread: Thread, actor: User, pinned: bool = True) -> Thread:
    """Pin a discussion at the top of the group page (or unpin it)."""
    _require_thread_moderator(thread, actor)
    if thread.pinned != pinned:
        thread.pinned = pinned
        thread.save(update_fields=["pinned"])
    return thread


def thread_lock(*, thread: Thread, actor: User, locked: bool = True) -> Thread:
    """Lock a discussion (no more replies or edits, except the moderators' replies), or
    unlock it."""
    _require_thread_moderator(thread, actor)
    if thread.locked != locked:
        thread.locked = locked
        thread.save(update_fields=["locked"])
    return thread


def thread_move(*, thread: Thread, actor: User, to_group: Group) -> Thread:
    """Move a discussion to another group the actor also moderates. Its messages follow;
    read markers of people who are not members of the new group go."""
    _require_thread_moderator(thread, actor)
    if to_group.pk == thread.group_id:
        raise ValidationError({"to_group": _("The discussion is already in this group.")})
    _require_active_group(to_group)
    if not actor.has_perm("groups.moderate_thread", to_group):
        raise ValidationError(
            {"to_group": _("You can only move a discussion to a group you moderate.")}
        )
    source = thread.group
    with transaction.atomic():
        thread.group = to_group
        thread.save(update_fields=["group"])
        Group.objects.filter(pk=source.pk, thread_count__gt=0).update(
            thread_count=F("thread_count") - 1
        )
        Group.objects.filter(pk=to_group.pk).update(thread_count=F("thread_count") + 1)
        ThreadRead.objects.filter(thread=thread).exclude(
            user__in=Membership.objects.filter(group=to_group, state=MembershipState.ACTIVE).values(
                "user_id"
            )
        ).delete()
        if thread.author_id:
            _record(
                ActivityKind.THREAD_MOVED,
                group=to_group,
                audience=Audience.RECIPIENT,
                actor=actor,
                thread=thread,
                recipient=thread.author,
                from_group=source.name,
            )
    return thread


def thread_delete(*, thread: Thread, actor: User, reason: str) -> Thread:
    """A moderator deletes a discussion (with a reason, sent to its author): it disappears
    from the group; its messages are kept out of sight for an appeal."""
    _require_thread_moderator(thread, actor)
    reason = _clean_text(
        reason, field="reason", label=_("The reason"), max_length=REASON_MAX_LENGTH
    )
    if thread.deleted_at is not None:
        raise ValidationError(_("This discussion is already deleted."))
    with transaction.atomic():
        thread.deleted_at = timezone.now()
        thread.deleted_by = actor
        thread.deletion_reason = reason
        thread.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
        Group.objects.filter(pk=thread.group_id, thread_count__gt=0).update(
            thread_count=F("thread_count") - 1
        )
        if thread.author_id and thread.author_id != actor.pk:
            _record(
                ActivityKind.CONTENT_MODERATED,
                group=thread.group,
                audience=Audience.RECIPIENT,
                actor=actor,
                thread=thread,
                recipient=thread.author,
                reason=reason,
                what="thread",
            )
    return thread


def thread_restore(*, thread: Thread, moderator: User) -> Thread:
    """A site moderator restores a deleted discussion (after an appeal)."""
    _require_site_moderator(moderator)
    if thread.deleted_at is None:
        raise ValidationError(_("This discussion is not deleted."))
    with transaction.atomic():
        thread.deleted_at = None
        thread.deleted_by = None
        thread.deletion_reason = ""
        thread.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
        Group.objects.filter(pk=thread.group_id).update(thread_count=F("thread_count") + 1)
    return thread


def message_restore(*, message: Message, moderator: User) -> Message:
    """A site moderator restores a message a moderator removed (its text was kept). A
    message its author deleted is erased and cannot come back."""
    _require_site_moderator(moderator)
    if message.deleted_at is None:
        raise ValidationError(_("This message is not deleted."))
    if not message.body:
        raise ValidationError(_("Its author deleted this message: its text is erased."))
    message.deleted_at = None
    message.deleted_by = None
    message.deletion_reason = ""
    message.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
    return message


def thread_mark_read(*, thread: Thread, user: User, position: int) -> None:
    """Remember that ``user`` (a member) read ``thread`` up to message ``position``."""
    if not user.is_authenticated or membership_of(user, thread.group) is None:
        return
    now = timezone.now()
    updated = ThreadRead.objects.filter(user=user, thread=thread).update(
        read_at=now, last_position=Greatest(F("last_position"), position)
    )
    if not updated:
        try:
            with transaction.atomic():
                ThreadRead.objects.create(
                    user=user, thread=thread, read_at=now, last_position=position
                )
        except IntegrityError:
            pass  # a concurrent request of the same member recorded it
    pagecache.invalidate(pagecache.reads_label(user.pk))  # their home's "new activity" badges
