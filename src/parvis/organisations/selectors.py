"""Reads of organisations; visibility comes in pairs (list filter, object check)."""

from django.db.models import Q

from parvis.accounts.models import VerificationStatus

from .models import Organisation


def organisations_visible_to(user):
    """Verified organisations for everyone; also the ones ``user`` runs; all for staff."""
    qs = Organisation.objects.all()
    if user.is_authenticated and user.is_staff:
        return qs
    allowed = Q(status=VerificationStatus.VERIFIED)
    if user.is_authenticated:
        allowed |= Q(memberships__user=user)
    return qs.filter(allowed).distinct()


def organisation_is_visible_to(organisation, user):
    if organisation.status == VerificationStatus.VERIFIED:
        return True
    if not user.is_authenticated:
        return False
    return user.is_staff or organisation.memberships.filter(user=user).exists()
