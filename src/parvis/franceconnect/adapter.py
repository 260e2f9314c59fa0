"""allauth adapters for FranceConnect.

- ``SocialAccountAdapter``: a FranceConnect identity whose e-mail address belongs to an
  existing account is never connected to it by that address: the member is sent to the link
  page, where the account's password is required. Sign-ups through FranceConnect fill in the
  names FranceConnect gives and mark them verified.
- ``AccountAdapter``: logging out of a session opened through FranceConnect logs out of
  FranceConnect too (its end-session endpoint, with ``id_token_hint``).
"""

import secrets

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.core import signing
from django.shortcuts import redirect

from parvis.accounts.adapter import AccountAdapter as BaseAccountAdapter
from parvis.accounts.models import User

from .identity import verify_from_sociallogin
from .provider import PROVIDER_ID, SESSION_ID_TOKEN

LINK_SESSION_KEY = "franceconnect_link"
#: The log-out's ``state``: signed by Parvis (the session ends before FranceConnect sends the
#: browser back, so the state cannot wait in it), valid for ``LOGOUT_STATE_MAX_AGE`` seconds.
LOGOUT_STATE_SALT = "parvis.franceconnect.logout"
LOGOUT_STATE_MAX_AGE = 15 * 60


def logout_state():
    return signing.dumps(secrets.token_urlsafe(16), salt=LOGOUT_STATE_SALT)


def logout_state_is_valid(state):
    try:
        signing.loads(state or "", salt=LOGOUT_STATE_SALT, max_age=LOGOUT_STATE_MAX_AGE)
    except signing.BadSignature:  # forged, altered or expired (SignatureExpired included)
        return False
    return True


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing or sociallogin.account.provider != PROVIDER_ID:
            return
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            return  # a logged-in member connects FranceConnect from their settings
        email = sociallogin.user.email if sociallogin.user else ""
        if email and User.objects.filter(email__iexact=email).exists():
            request.session[LINK_SESSION_KEY] = sociallogin.serialize()
            raise ImmediateHttpResponse(redirect("franceconnect_link"))

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        if sociallogin.account.provider == PROVIDER_ID:
            verify_from_sociallogin(user, sociallogin)
        return user


class AccountAdapter(BaseAccountAdapter):
    def get_logout_redirect_url(self, request):
        # Called before the session ends: the ID token of a FranceConnect sign-in is here.
        id_token = request.session.get(SESSION_ID_TOKEN)
        if id_token and request.user.is_authenticated:
            try:
                provider = get_social_adapter().get_provider(request, PROVIDER_ID)
            except SocialApp.DoesNotExist:
                provider = None
            if provider is not None:
                url = provider.end_session_url(request, id_token, logout_state())
                if url:
                    return url
        return super().get_logout_redirect_url(request)
