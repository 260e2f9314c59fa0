import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.accounts.models import VerificationStatus
from parvis.accounts.selectors import member_is_visible_to
from parvis.core import pagecache
from parvis.core.htmx import fragment, is_htmx, render_list
from parvis.core.pagecache import public_page
from parvis.core.pagination import Paginator
from parvis.moderation.selectors import hidden_from
from parvis.moderation.views import render_hidden

from . import selectors, services
from .forms import InvitationForm, OrganisationForm, RoleForm
from .models import OrganisationInvitation, OrganisationMembership
from .sections import organisation_sections

PAGE_SIZE = 24


def _get_visible_organisation(request, slug):
    """The organisation at ``slug`` if the viewer may see it, else 404."""
    organisation = next(iter(selectors.organisation_for_page(slug=str(slug))[:1]), None)
    if organisation is None or not selectors.organisation_is_visible_to(organisation, request.user):
        raise Http404
    return organisation


def _check(request, permission, organisation):
    if not rules.has_perm(permission, request.user, organisation):
        raise PermissionDenied


def _service_error(request, error):
    for message in error.messages:
        messages.error(request, message)


@public_page("organisations.organisation", params=("page",))
def organisation_list(request):
    page = Paginator(selectors.organisation_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_list(
        request,
        "organisations/organisation_list.html",
        "organisations/_organisation_results.html",
        {
            "page": page,
            "organisations": page.object_list,
            "my_memberships": selectors.organisations_run_by(request.user),
            "invitation_count": (
                selectors.invitations_pending_for(request.user).count()
                if request.user.is_authenticated
                else 0
            ),
        },
        page,
    )


@login_required
def organisation_create(request):
    _check(request, "organisations.add_organisation_page", None)
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = services.organisation_create(
                creator=request.user,
                name=data["name"],
                kind=data["kind"],
                commune=data["commune"],
                description=data["description"],
                logo=data["logo"],
                cover=data["cover"],
                cover_alt=data["cover_alt"],
                website=data["website"],
                rna=data["rna"],
                siren=data["siren"],
                **{field: data[field] for field in services.CONTACT_FIELDS},
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "The organisation has been created. A moderator will verify it; until "
                    "then only its team can see its page."
                ),
            )
            return redirect(organisation)
    return render(request, "organisations/organisation_form.html", {"form": form})


@public_page(dynamic=True)
def organisation_detail(request, slug):
    organisation = _get_visible_organisation(request, slug)
    # Its team, its events and its news, whichever items show.
    pagecache.depends_on(
        *(
            pagecache.scoped(label, "organisation", organisation.pk)
            for label in ("organisations.organisationmembership", "agenda.event", "news.post")
        )
    )
    if hidden_from(organisation, request.user):  # hidden by moderation: a notice instead
        return render_hidden(request, organisation)
    user = request.user
    memberships = list(selectors.organisation_memberships(organisation))
    members = [
        {
            "membership": membership,
            "user": membership.user,
            "linked": member_is_visible_to(membership.user, user),
        }
        for membership in memberships
    ]
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "sections": organisation_sections.render(organisation, user, request),
            "is_member": rules.has_perm("organisations.leave_organisation", user, organisation),
            "can_edit": rules.has_perm(
                "organisations.change_organisation_page", user, organisation
            ),
            "can_manage": rules.has_perm(
                "organisations.manage_organisation_members", user, organisation
            ),
        },
    )


@login_required
def organisation_edit(request, slug):
    organisation = _get_visible_organisation(request, slug)
    _check(request, "organisations.change_organisation_page", organisation)
    identity = rules.has_perm(
        "organisations.change_organisation_identity", request.user, organisation
    )
    form = OrganisationForm(
        request.POST or None,
        request.FILES or None,
        organisation=organisation,
        identity=identity,
    )
    if request.method == "POST" and form.is_valid():
        was_verified = organisation.is_verified
        was_sent_back = organisation.status == VerificationStatus.CHANGES_REQUESTED
        try:
            services.organisation_update(
                organisation=organisation, actor=request.user, **form.changes()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if was_verified and not organisation.is_verified:
                messages.warning(
                    request,
                    _(
                        "The organisation's identity has changed: it awaits a moderator's "
                        "verification again and is hidden from the public until then."
                    ),
                )
            if was_sent_back and organisation.status == VerificationStatus.PENDING:
                messages.info(
                    request,
                    _("The organisation has been sent back to the moderators for verification."),
                )
            messages.success(request, _("The organisation's page has been updated."))
            return redirect(organisation)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "organisation": organisation, "identity": identity},
    )


@login_required
def organisation_members(request, slug):
    organisation = _get_visible_organisation(request, slug)
    _check(request, "organisations.manage_organisation_members", organisation)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_invite(
                organisation=organisation,
                inviter=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "If this address belongs to an identified member, they have been invited "
                    "and will find the invitation in their account."
                ),
            )
            return redirect("organisations:members", slug=organisation.slug)
    memberships = selectors.organisation_memberships(organisation)
    return render(
        request,
        "organisations/organisation_members.html",
        {
            "organisation": organisation,
            "form": form,
            "members": [
                {"membership": membership, "role_form": RoleForm(initial={"role": membership.role})}
                for membership in memberships
            ],
            "invitations": selectors.organisation_pending_invitations(organisation),
        },
    )


def _membership_of(request, slug, pk):
    organisation = _get_visible_organisation(request, slug)
    _check(request, "organisations.manage_organisation_members", organisation)
    membership = get_object_or_404(
        OrganisationMembership.objects.select_related("user"), pk=pk, organisation=organisation
    )
    membership.organisation = organisation
    return membership


@login_required
@require_POST
def membership_role(request, slug, pk):
    membership = _membership_of(request, slug, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role: manager or editor."))
    else:
        try:
            services.membership_change_role(
                membership=membership, actor=request.user, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            _service_error(request, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.user, "role": membership.get_role_display()},
            )
    return redirect("organisations:members", slug=slug)


@login_required
@require_POST
def membership_remove(request, slug, pk):
    membership = _membership_of(request, slug, pk)
    leaving_self = membership.user_id == request.user.pk
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ValidationError as error:
        _service_error(request, error)
        return redirect("organisations:members", slug=slug)
    if leaving_self:
        messages.success(request, _("You have left the organisation."))
        return redirect("organisations:list")
    messages.success(
        request, _("%(name)s has been removed from the team.") % {"name": membership.user}
    )
    return redirect("organisations:members", slug=slug)


@login_required
@require_POST
def invitation_cancel(request, slug, pk):
    organisation = _get_visible_organisation(request, slug)
    _check(request, "organisations.manage_organisation_members", organisation)
    invitation = get_object_or_404(OrganisationInvitation, pk=pk, organisation=organisation)
    invitation.organisation = organisation
    try:
        services.invitation_cancel(invitation=invitation, actor=request.user)
    except ValidationError as error:
        _service_error(request, error)
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("organisations:members", slug=slug)


@login_required
def organisation_leave(request, slug):
    organisation = _get_visible_organisation(request, slug)
    _check(request, "organisations.leave_organisation", organisation)
    membership = get_object_or_404(
        OrganisationMembership, organisation=organisation, user=request.user
    )
    membership.organisation = organisation
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, actor=request.user)
        except ValidationError as error:
            _service_error(request, error)
            return redirect(organisation)
        messages.success(
            request, _("You have left %(organisation)s.") % {"organisation": organisation}
        )
        return redirect("organisations:list")
    return render(request, "organisations/organisation_leave.html", {"organisation": organisation})


@login_required
def invitation_list(request):
    return render(
        request,
        "organisations/invitation_list.html",
        {"invitations": selectors.invitations_pending_for(request.user)},
    )


def _own_invitation(request, pk):
    # Someone else's invitation answers 404, as if it did not exist.
    return get_object_or_404(
        OrganisationInvitation.objects.select_related("organisation"),
        pk=pk,
        invitee=request.user,
    )


def _invitation_in_place(request, invitation, *, answered="", message="", error=""):
    """For htmx: the invitation on "Your invitations" in its new state (answered, or with
    the error), which takes the focus; the message for the live region."""
    context = {"invitation": invitation, "answered": answered, "action_error": error}
    return fragment(request, "organisations/_invitation.html", context, message=message)


@login_required
@require_POST
def invitation_accept(request, pk):
    invitation = _own_invitation(request, pk)
    try:
        services.invitation_accept(invitation=invitation, user=request.user)
    except ValidationError as error:
        if is_htmx(request):
            return _invitation_in_place(request, invitation, error=" ".join(error.messages))
        _service_error(request, error)
        return redirect("organisations:invitations")
    message = _("You have joined %(organisation)s.") % {"organisation": invitation.organisation}
    if is_htmx(request):
        return _invitation_in_place(request, invitation, answered="accept", message=message)
    messages.success(request, message)
    return redirect(invitation.organisation)


@login_required
@require_POST
def invitation_decline(request, pk):
    invitation = _own_invitation(request, pk)
    try:
        services.invitation_decline(invitation=invitation, user=request.user)
    except ValidationError as error:
        if is_htmx(request):
            return _invitation_in_place(request, invitation, error=" ".join(error.messages))
        _service_error(request, error)
    else:
        message = _("You have declined the invitation.")
        if is_htmx(request):
            return _invitation_in_place(request, invitation, answered="decline", message=message)
        messages.success(request, message)
    return redirect("organisations:invitations")
