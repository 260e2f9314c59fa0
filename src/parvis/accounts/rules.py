"""Who may do what with accounts, as named ``rules`` permissions and predicates.

Other apps build on ``is_identified_member``: taking part (posting, proposing events,
answering consultations, joining groups) needs a real, verified identity.
"""

import rules
from allauth.account.models import EmailAddress

from .models import VerificationStatus
from .selectors import member_is_visible_to


@rules.predicate
def is_active_member(user):
    return user.is_authenticated and user.is_active


@rules.predicate
def has_verified_email(user):
    """The member's primary e-mail address is verified (remembered on the instance)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_parvis_email_verified", None)
    if cached is None:
        cached = EmailAddress.objects.filter(
            user=user, email__iexact=user.email, verified=True
        ).exists()
        user._parvis_email_verified = cached
    return cached


@rules.predicate
def has_commune(user):
    return user.is_authenticated and user.commune_id is not None


is_identified_member = is_active_member & has_verified_email & has_commune


@rules.predicate
def is_verified_official(user):
    if not is_active_member(user):
        return False
    return user.mandates.filter(status=VerificationStatus.VERIFIED).exists()


@rules.predicate
def is_self(user, member):
    return user.is_authenticated and member is not None and user.pk == member.pk


@rules.predicate
def can_see_member(user, member):
    return member is not None and member_is_visible_to(member, user)


@rules.predicate
def is_owner(user, obj):
    """``obj`` (a mandate, an API token) belongs to ``user``."""
    return user.is_authenticated and obj is not None and obj.user_id == user.pk


@rules.predicate
def is_pending(user, mandate):
    """No moderator has settled ``mandate`` yet (awaiting them, or sent back for changes)."""
    return mandate is not None and mandate.status in (
        VerificationStatus.PENDING,
        VerificationStatus.CHANGES_REQUESTED,
    )


rules.add_perm("accounts.view_member_profile", can_see_member)
rules.add_perm("accounts.change_own_profile", is_active_member & is_self)
rules.add_perm("accounts.declare_mandate", is_active_member)
rules.add_perm("accounts.withdraw_mandate", is_active_member & is_owner & is_pending)
rules.add_perm("accounts.manage_api_token", is_active_member & is_owner)
