"""Managing a group's members (its moderators): the management page, membership
requests, invitations, roles, removing and banning."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import DecisionForm, InviteForm, ReasonForm, RoleForm
from ..models import Ban, Invitation, JoinRequest, Membership, MembershipState, Role
from ..selectors import group_bans, group_members, pending_invitations, pending_requests, role_of
from .common import _readable_group_or_404, _require_perm, _show_errors, _viewer_context


def _managed_group(request, slug):
    group = _readable_group_or_404(request, slug)
    _require_perm(request, "groups.manage_members", group)
    return group


@login_required
def group_manage(request, slug):
    group = _managed_group(request, slug)
    return _render_manage(request, group)


def _render_manage(request, group, *, invite_form=None, status=200):
    members = list(group_members(group))
    return render(
        request,
        "groups/manage.html",
        {
            **_viewer_context(request, group),
            "requests": pending_requests(group),
            "invitations": pending_invitations(group),
            "members": members,
            "bans": group_bans(group),
            "invite_form": invite_form or InviteForm(),
            "role_form": RoleForm(),
            "can_change_roles": request.user.has_perm("groups.change_roles", group),
            "can_transfer": request.user.has_perm("groups.transfer_ownership", group),
            "viewer_role": role_of(request.user, group),
        },
        status=status,
    )


def _member_or_404(group, user_id):
    membership = (
        Membership.objects.filter(group=group, user_id=user_id, state=MembershipState.ACTIVE)
        .select_related("user", "group")
        .first()
    )
    if membership is None:
        raise Http404
    membership.group = group
    return membership


@login_required
@require_POST
def request_decide(request, slug, request_id):
    group = _managed_group(request, slug)
    join_request = (
        JoinRequest.objects.filter(group=group, pk=request_id).select_related("user").first()
    )
    if join_request is None:
        raise Http404
    join_request.group = group
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _show_errors(
            request, ValidationError([e for errors in form.errors.values() for e in errors])
        )
        return redirect("groups:manage", slug=group.slug)
    try:
        if form.cleaned_data["decision"] == "accept":
            services.request_accept(
                join_request=join_request,
                moderator=request.user,
                message=form.cleaned_data["message"],
            )
            messages.success(
                request,
                _("%(name)s is now a member of the group.")
                % {"name": join_request.user.get_full_name()},
            )
        else:
            services.request_refuse(
                join_request=join_request,
                moderator=request.user,
                message=form.cleaned_data["message"],
            )
            messages.success(request, _("Request refused; the member is told."))
    except (ValidationError, PermissionDenied) as error:
        _show_errors(request, error)
    return redirect("groups:manage", slug=group.slug)


@login_required
@require_POST
def member_invite(request, slug):
    group = _managed_group(request, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                group=group,
                inviter=request.user,
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "If this address belongs to a member of the site who is not invited yet, "
                    "they will find the invitation in their notifications."
                ),
            )
            return redirect("groups:manage", slug=group.slug)
    return _render_manage(request, group, invite_form=form, status=400)


@login_required
@require_POST
def invitation_withdraw(request, slug, invitation_id):
    group = _managed_group(request, slug)
    invitation = Invitation.objects.filter(group=group, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    invitation.group = group
    try:
        services.invitation_cancel(invitation=invitation, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("groups:manage", slug=group.slug)


@login_required
@require_POST
def member_role(request, slug, user_id):
    group = _readable_group_or_404(request, slug)
    _require_perm(request, "groups.change_roles", group)
    membership = _member_or_404(group, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose moderator or member."))
        return redirect("groups:manage", slug=group.slug)
    try:
        services.role_change(
            membership=membership, actor=request.user, role=form.cleaned_data["role"]
        )
    except (ValidationError, PermissionDenied) as error:
        _show_errors(request, error)
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": membership.user.get_full_name(), "role": membership.get_role_display()},
        )
    return redirect("groups:manage", slug=group.slug)


def _ban_target_or_404(group, user_id):
    """An active member, or someone with a pending request (banned from the requests list)."""
    membership = (
        Membership.objects.filter(group=group, user_id=user_id, state=MembershipState.ACTIVE)
        .select_related("user")
        .first()
    )
    if membership is None:
        join_request = (
            JoinRequest.objects.filter(group=group, user_id=user_id, status="pending")
            .select_related("user")
            .first()
        )
        if join_request is None:
            raise Http404
        membership = Membership(group=group, user=join_request.user, role=Role.MEMBER)
    membership.group = group
    return membership


def _member_action(request, slug, user_id, *, ban):
    group = _managed_group(request, slug)
    membership = _ban_target_or_404(group, user_id) if ban else _member_or_404(group, user_id)
    form = ReasonForm(request.POST or None, required=ban)
    if request.method == "POST" and form.is_valid():
        try:
            if ban:
                services.member_ban(
                    group=group,
                    user=membership.user,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("The member is banned from the group."))
            else:
                services.member_remove(
                    membership=membership, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The member is removed from the group."))
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            _show_errors(request, error)
            return redirect("groups:manage", slug=group.slug)
        else:
            return redirect("groups:manage", slug=group.slug)
    return render(
        request,
        "groups/member_action.html",
        {"group": group, "target": membership, "form": form, "ban": ban},
    )


@login_required
def member_remove(request, slug, user_id):
    return _member_action(request, slug, user_id, ban=False)


@login_required
def member_ban(request, slug, user_id):
    return _member_action(request, slug, user_id, ban=True)


@login_required
@require_POST
def ban_lift(request, slug, ban_id):
    group = _managed_group(request, slug)
    ban = Ban.objects.filter(group=group, pk=ban_id).first()
    if ban is None:
        raise Http404
    ban.group = group
    services.ban_lift(ban=ban, actor=request.user)
    messages.success(request, _("The ban is lifted: this person may ask to join again."))
    return redirect("groups:manage", slug=group.slug)
