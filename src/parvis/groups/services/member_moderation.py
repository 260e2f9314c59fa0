"""A group's moderators act on its members: removing, banning (and lifting a ban),
changing roles."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User

from ..models import (
    ActivityKind,
    Audience,
    Ban,
    Group,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    MembershipState,
    RequestStatus,
    Role,
)
from ..selectors import forget_membership, is_site_moderator, membership_of
from .common import REASON_MAX_LENGTH, _clean_text, _lock_group, _record, _require
from .membership import _deactivate


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
