"""Entering and leaving a group: joining, membership requests, invitations, leaving
(also every group at once, when an account goes)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.accounts.rules import is_identified_member

from ..models import (
    ActivityKind,
    Audience,
    Ban,
    Group,
    Invitation,
    InvitationStatus,
    JoinPolicy,
    JoinRequest,
    Membership,
    MembershipState,
    RequestStatus,
    Role,
    ThreadRead,
)
from ..selectors import forget_membership, membership_of
from .common import (
    SHORT_TEXT_MAX_LENGTH,
    _clean_text,
    _lock_group,
    _record,
    _refresh_member_count,
    _refuse_if_banned,
    _require,
    _require_active_group,
)
from .lifecycle import _hand_over_ownership


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
    package's docstring). A private group's content is unreadable at once."""
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
