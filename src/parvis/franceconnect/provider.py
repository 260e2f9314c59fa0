"""The FranceConnect provider: allauth's OpenID Connect provider with FranceConnect's rules.

- Authorization code flow with ``state`` (allauth) and a ``nonce`` bound to that state, and
  ``acr_values=eidas1``; the scopes are fixed (a request cannot add or drop any).
- The ID token's signature is always checked against the provider's keys (allauth skips it
  when the token came straight from the token endpoint), with its nonce and ``acr``.
- The userinfo answer is a signed JWT (FranceConnect v2): checked like the ID token, and for
  the same subject.
- The raw ID token is kept in the session for the log-out through FranceConnect
  (``id_token_hint``).
"""

import hmac

import requests
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri, get_request_param
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode

PROVIDER_ID = "franceconnect"
ACR = "eidas1"
SCOPES = ["openid", "given_name", "family_name", "email"]
#: Where the raw ID token waits between the callback and the log-in, then lives until log-out.
PENDING_ID_TOKEN = "franceconnect_pending_id_token"
SESSION_ID_TOKEN = "franceconnect_id_token"


def nonce_for(state_id):
    """The nonce sent with an authorization request: bound to its (single-use) state."""
    return salted_hmac("parvis.franceconnect.nonce", state_id or "", algorithm="sha256").hexdigest()


class FranceConnectClient(OAuth2Client):
    def get_redirect_url(self, authorization_url, scope, extra_params):
        params = {**extra_params, "acr_values": ACR, "nonce": nonce_for(self.state)}
        return super().get_redirect_url(authorization_url, scope, params)


class FranceConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    client_class = FranceConnectClient

    def __init__(self, request):
        super().__init__(request, PROVIDER_ID)

    @property
    def basic_auth(self):
        return False  # client_secret_post, as FranceConnect expects

    def get_callback_url(self, request, app):

        return build_absolute_uri(request, reverse("franceconnect_callback"))

    def _verify(self, credential, app):
        return jwtkit.verify_and_decode(
            credential=credential,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("FranceConnect sent no ID token.")
        claims = self._verify(id_token, app)
        expected = nonce_for(get_request_param(request, "state"))
        if not hmac.compare_digest(str(claims.get("nonce", "")), expected):
            raise OAuth2Error("The ID token's nonce does not match this sign-in.")
        if claims.get("acr") != ACR:
            raise OAuth2Error(f"The ID token's acr is not {ACR}.")
        userinfo = self._fetch_signed_user_info(token.token, app)
        if userinfo.get("sub") != claims.get("sub"):
            raise OAuth2Error("The userinfo and the ID token name different people.")
        request.session[PENDING_ID_TOKEN] = id_token
        return self.get_provider().sociallogin_from_response(
            request, {"userinfo": userinfo, "id_token": claims}
        )

    def _fetch_signed_user_info(self, access_token, app):
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, headers={"Authorization": f"Bearer {access_token}"}
            )
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type != "application/jwt":
            raise OAuth2Error("FranceConnect's userinfo must be a signed JWT.")
        return self._verify(response.text.strip(), app)


class FranceConnectAccount(OpenIDConnectProviderAccount):
    def to_str(self):
        data = self.get_user_data() or {}
        name = f"{data.get('given_name', '')} {data.get('family_name', '')}".strip()
        return name or super().to_str()


class FranceConnectProvider(OpenIDConnectProvider):
    id = PROVIDER_ID
    name = "FranceConnect"
    account_class = FranceConnectAccount
    oauth2_adapter_class = FranceConnectOAuth2Adapter

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = "FranceConnect"

    @classmethod
    def get_package(cls):
        return "parvis.franceconnect"

    def get_login_url(self, request, **kwargs):
        url = reverse("franceconnect_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("franceconnect_callback")

    def get_oauth2_adapter(self, request):
        return FranceConnectOAuth2Adapter(request)

    def get_default_scope(self):
        return list(SCOPES)

    def get_scope(self):
        return list(SCOPES)

    def get_scope_from_request(self, request):
        return list(SCOPES)  # a crafted link cannot change what is asked

    def get_auth_params_from_request(self, request, action):
        return {}  # acr_values and nonce are added by the client

    def end_session_url(self, request, id_token, state):
        """FranceConnect's log-out URL for this ID token, or None without an endpoint."""
        adapter = self.get_oauth2_adapter(request)
        try:
            endpoint = adapter.openid_config.get("end_session_endpoint")
        except (requests.RequestException, ValueError):
            return None
        if not endpoint:
            return None

        params = {
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": build_absolute_uri(
                request, reverse("franceconnect_logout_callback")
            ),
        }
        return f"{endpoint}?{urlencode(params)}"


@login_not_required
def login(request):
    try:
        return OAuth2LoginView.adapter_view(FranceConnectOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None  # FranceConnect is not configured


@login_not_required
def callback(request):
    try:
        return OAuth2CallbackView.adapter_view(FranceConnectOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


provider_classes = [FranceConnectProvider]
