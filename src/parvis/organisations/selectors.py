"""Reads of organisations; visibility comes in pairs (list filter, object check)."""

from django.db.models import Case, IntegerField, Q, Value, When

from parvis.accounts.models import VerificationStatus
from parvis.core.prepared import prepared
from parvis.core.visitors import same_for_every_visitor
from parvis.moderation.selectors import annotate_hidden, visible

from .models import (
    InvitationStatus,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
)


def organisations_visible_to(user):
    """Verified organisations for everyone; also the ones ``user`` runs; all for staff."""
    qs = Organisation.objects.all()
    if user.is_authenticated and user.is_staff:
        return qs
    allowed = Q(status=VerificationStatus.VERIFIED)
    if user.is_authenticated:
        allowed |= Q(
            pk__in=OrganisationMembership.objects.filter(user=user).values("organisation_id")
        )
    return visible(qs.filter(allowed), user)  # hidden by moderation: its team and staff only


def organisation_is_visible_to(organisation, user):
    if organisation.status == VerificationStatus.VERIFIED:
        return True
    if not user.is_authenticated:
        return False
    return user.is_staff or membership_role(user, organisation) is not None


def membership_role(user, organisation):
    """The role of ``user`` in ``organisation`` ("manager", "editor") or None.

    Remembered on the organisation instance, so the permission rules a page checks several
    times cost one query.
    """
    if not user.is_authenticated or organisation.pk is None:
        return None
    cache = organisation.__dict__.setdefault("_parvis_roles", {})
    if user.pk not in cache:
        cache[user.pk] = (
            OrganisationMembership.objects.filter(organisation=organisation, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return cache[user.pk]


def member_organisations(member, viewer):
    """Organisations ``member`` belongs to that ``viewer`` may see (their public profile)."""
    return (
        organisations_visible_to(viewer)
        .filter(memberships__user=member)
        .select_related("commune")
        .order_by("name")
        .distinct()
    )


@same_for_every_visitor
def organisation_list(user):
    """The public list: verified organisations ``user`` may see, by name, shaped for cards.
    A visitor's is the same for every visitor: built once per process, each caller gets a
    copy."""
    return (
        organisations_visible_to(user)
        .filter(status=VerificationStatus.VERIFIED)
        .select_related("commune")
        .order_by("name", "pk")
    )


def organisations_run_by(user):
    """The memberships of ``user`` with their organisation, for "your organisations"."""
    if not user.is_authenticated:
        return OrganisationMembership.objects.none()
    return (
        OrganisationMembership.objects.filter(user=user)
        .select_related("organisation", "organisation__commune")
        .order_by("organisation__name")
    )


def organisation_memberships(organisation):
    """Members of ``organisation``: managers first, then by name."""
    return (
        OrganisationMembership.objects.filter(organisation=organisation)
        .select_related("user")
        .annotate(
            role_order=Case(
                When(role=OrganisationRole.MANAGER, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("role_order", "user__last_name", "user__first_name", "pk")
    )


def organisation_pending_invitations(organisation):
    return (
        OrganisationInvitation.objects.filter(
            organisation=organisation, status=InvitationStatus.PENDING
        )
        .select_related("invitee", "invited_by")
        .order_by("-created_at")
    )


def invitations_pending_for(user):
    """Invitations ``user`` has not answered yet, newest first."""
    return (
        OrganisationInvitation.objects.filter(invitee=user, status=InvitationStatus.PENDING)
        .select_related("organisation", "organisation__commune", "invited_by")
        .order_by("-created_at")
    )


@prepared("slug")
def organisation_for_page(slug):
    """The organisation at ``slug`` with its commune and moderation state
    (``moderation_hidden``), for its page (visibility checked after); ``slug`` is unique."""
    return annotate_hidden(Organisation.objects.filter(slug=slug)).select_related("commune")
