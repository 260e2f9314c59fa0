"""A group's life: creating it, editing its settings, transferring its ownership."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parvis.accounts.models import User

from .. import services
from ..forms import GroupForm, TransferForm
from ..models import MembershipState, Role
from .common import _readable_group_or_404, _require_perm


@login_required
def group_create(request):
    if not request.user.has_perm("groups.create_group"):
        return render(request, "groups/create_denied.html", status=403)
    form = GroupForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(creator=request.user, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Your group is created: invite members or start a discussion.")
            )
            return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@login_required
def group_edit(request, slug):
    group = _readable_group_or_404(request, slug)
    _require_perm(request, "groups.change_group_settings", group)
    form = GroupForm(request.POST or None, request.FILES or None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, actor=request.user, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The group's settings are saved."))
            return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@login_required
def ownership_transfer(request, slug):
    group = _readable_group_or_404(request, slug)
    _require_perm(request, "groups.transfer_ownership", group)
    members = (
        User.objects.filter(
            group_memberships__group=group,
            group_memberships__state=MembershipState.ACTIVE,
            is_active=True,
        )
        .exclude(group_memberships__group=group, group_memberships__role=Role.OWNER)
        .order_by("last_name", "first_name")
    )
    form = TransferForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.ownership_transfer(
                group=group, actor=request.user, new_owner=form.cleaned_data["new_owner"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Ownership transferred. You are now a moderator of the group.")
            )
            return redirect(group)
    return render(request, "groups/transfer.html", {"group": group, "form": form})
