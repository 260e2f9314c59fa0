"""Every sign-in through FranceConnect refreshes the verified names and keeps the ID token
for the log-out; removing the FranceConnect identity removes the verification."""

from allauth.account.signals import user_logged_in
from allauth.socialaccount.signals import social_account_added, social_account_removed
from django.dispatch import receiver

from parvis.accounts.services import identity_unverify

from .identity import verify_from_sociallogin
from .provider import PENDING_ID_TOKEN, PROVIDER_ID, SESSION_ID_TOKEN


@receiver(user_logged_in)
def franceconnect_logged_in(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None or sociallogin.account.provider != PROVIDER_ID:
        request.session.pop(SESSION_ID_TOKEN, None)
        return
    verify_from_sociallogin(user, sociallogin)
    id_token = request.session.pop(PENDING_ID_TOKEN, None)
    if id_token:
        request.session[SESSION_ID_TOKEN] = id_token


@receiver(social_account_added)
def franceconnect_added(sender, request, sociallogin, **kwargs):
    if sociallogin.account.provider == PROVIDER_ID:
        verify_from_sociallogin(sociallogin.user, sociallogin)


@receiver(social_account_removed)
def franceconnect_removed(sender, request, socialaccount, **kwargs):
    if socialaccount.provider == PROVIDER_ID:
        identity_unverify(user=socialaccount.user)
