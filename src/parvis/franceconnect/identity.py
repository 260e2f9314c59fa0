"""The names FranceConnect vouches for, copied to the member's profile."""

from allauth.socialaccount.providers.openid_connect.provider import _pick_data

from parvis.accounts.services import identity_verify


def claims_of(account):
    """The identity claims of a FranceConnect ``SocialAccount`` (userinfo, else ID token)."""
    return _pick_data(account.extra_data or {}) or {}


def verify_from_sociallogin(user, sociallogin):
    claims = claims_of(sociallogin.account)
    return identity_verify(
        user=user,
        first_name=claims.get("given_name", ""),
        last_name=claims.get("family_name", ""),
    )
