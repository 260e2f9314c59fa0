"""Entering and leaving a group: joining, asking, answering an invitation, leaving; the
member's pending invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.core.htmx import fragment, is_htmx

from .. import services
from ..forms import JoinRequestForm
from ..selectors import (
    forget_membership,
    group_content_is_readable_by,
    invitations_pending_for,
    membership_of,
    pending_invitation_of,
    pending_request_of,
)
from .common import _group_or_404, _show_errors, _viewer_context


def _in_place(request, group, *, was_readable, message="", error=""):
    """The group page's action buttons in their new state and its header (the member count,
    out of band) for htmx; when joining changed what the page shows (a private group's
    discussions), htmx reloads the page, with the message."""
    group.refresh_from_db()
    context = _viewer_context(request, group)
    if context["readable"] != was_readable:
        if message:
            messages.success(request, message)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return fragment(
        request,
        "groups/_group_actions_in_place.html",
        {**context, "action_error": error},
        message=message,
    )


@login_required
def my_invitations(request):
    return render(
        request,
        "groups/invitations.html",
        {"invitations": invitations_pending_for(request.user)},
    )


@login_required
@require_POST
def group_join(request, slug):
    group = _group_or_404(request, slug)
    was_readable = group_content_is_readable_by(group, request.user)
    try:
        services.membership_join(group=group, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        if is_htmx(request):
            errors = getattr(error, "messages", None) or [str(error)]
            return _in_place(request, group, was_readable=was_readable, error=" ".join(errors))
        _show_errors(request, error)
    else:
        if is_htmx(request):
            message = _("Welcome to the group!")
            return _in_place(request, group, was_readable=was_readable, message=message)
        messages.success(request, _("Welcome to the group!"))
    return redirect(group)


@login_required
def group_request(request, slug):
    group = _group_or_404(request, slug)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                group=group, user=request.user, message=form.cleaned_data["message"]
            )
        except PermissionDenied as error:
            _show_errors(request, error)
            return redirect(group)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Your request is sent: the group's moderators will answer.")
            )
            return redirect(group)
    return render(request, "groups/request_form.html", {"group": group, "form": form})


@login_required
@require_POST
def group_request_withdraw(request, slug):
    group = _group_or_404(request, slug)
    join_request = pending_request_of(request.user, group)
    if join_request is None:
        messages.error(request, _("You have no pending request for this group."))
        return redirect(group)
    services.request_withdraw(join_request=join_request, user=request.user)
    if is_htmx(request):
        message = _("Your request is withdrawn.")
        return _in_place(request, group, was_readable=True, message=message)
    messages.success(request, _("Your request is withdrawn."))
    return redirect(group)


@login_required
@require_POST
def group_invitation_answer(request, slug):
    """Accept or decline; from "My group invitations" (``next=invitations``) htmx swaps the
    invitation for its answer, from the group page the actions like joining."""
    group = _group_or_404(request, slug)
    from_list = request.POST.get("next") == "invitations"
    back = redirect("groups:invitations") if from_list else redirect(group)
    invitation = pending_invitation_of(request.user, group)
    if invitation is None:
        messages.error(request, _("You have no pending invitation to this group."))
        if is_htmx(request):  # answered meanwhile (another tab): the page, with the message
            response = HttpResponse(status=204)
            response["HX-Redirect"] = back.url
            return response
        return back
    was_readable = group_content_is_readable_by(group, request.user)
    accept = request.POST.get("answer") == "accept"
    try:
        if accept:
            services.invitation_accept(invitation=invitation, user=request.user)
            message = _("Welcome to the group!")
        else:
            services.invitation_decline(invitation=invitation, user=request.user)
            message = _("Invitation declined.")
    except (ValidationError, PermissionDenied) as error:
        if is_htmx(request):
            error_text = " ".join(getattr(error, "messages", None) or [str(error)])
            if from_list:
                return fragment(
                    request,
                    "groups/_invitation.html",
                    {"invitation": invitation, "action_error": error_text},
                )
            return _in_place(request, group, was_readable=was_readable, error=error_text)
        _show_errors(request, error)
        return back
    forget_membership(group)  # read before the answer (``was_readable``)
    if is_htmx(request):
        if from_list:
            group.refresh_from_db()  # the member count the card shows
            invitation.group = group
            answered = "accept" if accept else "decline"
            context = {"invitation": invitation, "answered": answered}
            return fragment(request, "groups/_invitation.html", context, message=message)
        return _in_place(request, group, was_readable=was_readable, message=message)
    messages.success(request, message)
    return back


@login_required
def group_leave(request, slug):
    group = _group_or_404(request, slug)
    membership = membership_of(request.user, group)
    if membership is None:
        messages.error(request, _("You are not a member of this group."))
        return redirect(group)
    if request.method == "POST":
        services.membership_leave(group=group, user=request.user)
        messages.success(request, _("You have left the group."))
        if group_content_is_readable_by(group, request.user):
            return redirect(group)
        return redirect("groups:index")
    return render(request, "groups/leave_confirm.html", {"group": group, "membership": membership})
