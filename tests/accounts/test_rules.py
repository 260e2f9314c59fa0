import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser

from parvis.accounts.models import VerificationStatus
from parvis.accounts.rules import is_identified_member, is_verified_official
from parvis.accounts.services import api_token_create

from ..factories import UserFactory


def test_resident_with_verified_email_and_commune_is_identified(resident):
    assert is_identified_member(resident)


def test_visitor_is_not_identified(db):
    assert not is_identified_member(AnonymousUser())


def test_member_without_verified_email_is_not_identified(oise):
    user = UserFactory(commune=oise["beauvais"], verified_email=False)
    assert not is_identified_member(user)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    user = type(user).objects.get(pk=user.pk)
    assert not is_identified_member(user)


def test_member_without_commune_is_not_identified(db):
    assert not is_identified_member(UserFactory(commune=None))


def test_inactive_member_is_not_identified(resident):
    resident.is_active = False
    assert not is_identified_member(resident)


def test_only_a_verified_mandate_makes_a_verified_official(official, resident, pending_mandate):
    assert is_verified_official(official)
    assert not is_verified_official(resident)
    pending_mandate.status = VerificationStatus.VERIFIED
    pending_mandate.save()
    assert is_verified_official(resident)


@pytest.mark.parametrize("visibility", ["public", "members", "hidden"])
def test_view_member_profile_permission_matches_the_object_check(
    resident, other_resident, visibility
):
    resident.directory_visibility = visibility
    assert resident.has_perm("accounts.view_member_profile", resident)
    assert other_resident.has_perm("accounts.view_member_profile", resident) == (
        visibility != "hidden"
    )
    assert AnonymousUser().has_perm("accounts.view_member_profile", resident) == (
        visibility == "public"
    )


def test_withdraw_permission_needs_owner_and_pending(resident, other_resident, pending_mandate):
    assert resident.has_perm("accounts.withdraw_mandate", pending_mandate)
    assert not other_resident.has_perm("accounts.withdraw_mandate", pending_mandate)
    pending_mandate.status = VerificationStatus.VERIFIED
    assert not resident.has_perm("accounts.withdraw_mandate", pending_mandate)


def test_token_permission_is_the_owners(resident, other_resident):
    token, _ = api_token_create(user=resident, name="Essai")
    assert resident.has_perm("accounts.manage_api_token", token)
    assert not other_resident.has_perm("accounts.manage_api_token", token)


def test_own_profile_permission(resident, other_resident):
    assert resident.has_perm("accounts.change_own_profile", resident)
    assert not other_resident.has_perm("accounts.change_own_profile", resident)
