"""A FranceConnect-like OpenID Connect provider for the tests, built with Authlib (Flask).

It behaves as FranceConnect v2 does for a service provider:

- discovery at ``/api/v2/.well-known/openid-configuration``, keys at ``/api/v2/jwks``;
- authorization code flow only, ``client_secret_post``; the authorization request must carry
  ``acr_values=eidas1``, a ``state`` and a ``nonce`` (refused otherwise);
- the ID token and the userinfo answer are JWTs signed with RS256 (``application/jwt``);
- ``/api/v2/session/end`` checks ``id_token_hint`` (signature, audience) and
  ``post_logout_redirect_uri`` before sending the user back.

The user "chooses an identity" on the authorization page (a form listing test identities),
as they would choose an identity provider on FranceConnect. Run it as a script::

    python -m tests.franceconnect.oidc_provider PORT CLIENT_ID SECRET REDIRECT_URI LOGOUT_URI

Every end-session request it accepted is listed at ``/_test/logouts``; ``/_test/faults`` makes
it misbehave (a wrong nonce or acr, userinfo as plain JSON or for another subject).
"""

import secrets
import sys
import time
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, Response, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from markupsafe import escape

KID = "parvis-test-fc"
ACR = "eidas1"
SCOPES = {
    "openid",
    "given_name",
    "family_name",
    "email",
    "birthdate",
    "gender",
    "preferred_username",
}

IDENTITIES = {
    "angela": {
        "sub": "b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1",
        "given_name": "Angela Claire Louise",
        "family_name": "Dubois",
        "email": "angela.dubois@example.fr",
        "birthdate": "1962-08-24",
        "gender": "female",
    },
    "pierre": {
        "sub": "9f1a2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff0v1",
        "given_name": "Pierre",
        "family_name": "Mercier",
        "email": "pierre.mercier@example.fr",
        "birthdate": "1990-01-15",
        "gender": "male",
    },
}


@dataclass
class Client(ClientMixin):
    client_id: str
    secret: str
    redirect_uris: list
    logout_uris: list

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return " ".join(s for s in scope.split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_post" if endpoint == "token" else True

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str
    user: dict
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return ACR

    def get_amr(self):
        return None


def create_app(port, client):
    issuer = f"http://127.0.0.1:{port}/api/v2"
    key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
    codes, tokens, nonces, logouts = {}, {}, set(), []
    faults = {}  # set through /_test/faults: a provider that misbehaves (wrong nonce...)

    def claims_for(user, scope):
        info = UserInfo(sub=user["sub"])
        for name in scope.split():
            if name in user:
                info[name] = user[name]
        return info

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_post"]

        def save_authorization_code(self, code, request):
            nonce = request.payload.data.get("nonce")
            nonces.add(nonce)
            codes[code] = Code(
                code=code,
                client_id=request.client.client_id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.payload.scope,
                nonce=nonce,
                user=request.user,
            )

        def query_authorization_code(self, code, client):
            item = codes.get(code)
            if item and item.client_id == client.client_id:
                return item
            return None

        def delete_authorization_code(self, authorization_code):
            codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class FranceConnectOpenIDCode(OpenIDCode):
        def exists_nonce(self, nonce, request):
            return nonce in nonces

        def resolve_client_private_key(self, client):
            return key

        def get_client_algorithm(self, client):
            return "RS256"

        def get_encode_header(self, client):
            return {"alg": "RS256", "kid": KID, "typ": "JWT"}

        def get_client_claims(self, client):
            return {"iss": issuer, "aud": client.client_id, "exp": int(time.time()) + 60}

        def generate_user_info(self, user, scope):
            return claims_for(user, scope)

        def get_authorization_code_claims(self, authorization_code):
            claims = super().get_authorization_code_claims(authorization_code)
            for name in ("nonce", "acr"):
                if name in faults:
                    claims[name] = faults[name]
            return claims

    def save_token(token, request):
        tokens[token["access_token"]] = {
            "user": request.user,
            "scope": token["scope"],
            "client_id": request.client.client_id,
            "expires": time.time() + token.get("expires_in", 60),
        }

    app = Flask(__name__)
    server = AuthorizationServer(
        app,
        query_client=lambda cid: client if cid == client.client_id else None,
        save_token=save_token,
    )
    server.register_grant(CodeGrant, [FranceConnectOpenIDCode(require_nonce=True)])

    @app.get("/api/v2/.well-known/openid-configuration")
    def configuration():
        return jsonify(
            issuer=issuer,
            authorization_endpoint=f"{issuer}/authorize",
            token_endpoint=f"{issuer}/token",
            userinfo_endpoint=f"{issuer}/userinfo",
            end_session_endpoint=f"{issuer}/session/end",
            jwks_uri=f"{issuer}/jwks",
            response_types_supported=["code"],
            grant_types_supported=["authorization_code"],
            scopes_supported=sorted(SCOPES),
            acr_values_supported=[ACR],
            subject_types_supported=["public"],
            token_endpoint_auth_methods_supported=["client_secret_post"],
            id_token_signing_alg_values_supported=["RS256"],
            userinfo_signing_alg_values_supported=["RS256"],
            claims_supported=sorted({"sub", *IDENTITIES["angela"]}),
        )

    @app.get("/api/v2/jwks")
    def jwks():
        return jsonify(keys=[key.as_dict(private=False)])

    @app.route("/api/v2/authorize", methods=["GET", "POST"])
    def authorize():
        if request.values.get("acr_values") != ACR:
            return Response("acr_values=eidas1 is required", status=400)
        if not request.values.get("state"):
            return Response("state is required", status=400)
        if request.method == "GET":
            grant = server.get_consent_grant(end_user=None)  # checks client, redirect, nonce
            choices = "".join(
                f'<button name="identity" value="{escape(k)}">{escape(v["given_name"])} '
                f"{escape(v['family_name'])}</button>"
                for k, v in IDENTITIES.items()
            )
            return (
                f"<!doctype html><title>FranceConnect (test)</title><h1>Choose an identity for "
                f"{escape(grant.client.client_id)}</h1>"
                f'<form method="post" action="{escape(request.full_path)}">{choices}</form>'
            )
        user = IDENTITIES.get(request.form.get("identity", ""))
        return server.create_authorization_response(grant_user=user)

    @app.post("/api/v2/token")
    def token():
        return server.create_token_response()

    @app.get("/api/v2/userinfo")
    def userinfo():
        auth = request.headers.get("Authorization", "")
        stored = (
            tokens.get(auth.removeprefix("Bearer ").strip()) if auth.startswith("Bearer ") else None
        )
        if stored is None or stored["expires"] < time.time():
            return Response(
                status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        claims = dict(claims_for(stored["user"], stored["scope"]))
        if faults.get("userinfo_json"):
            return jsonify(claims)
        if "userinfo_sub" in faults:
            claims["sub"] = faults["userinfo_sub"]
        now = int(time.time())
        claims.update(iss=issuer, aud=stored["client_id"], iat=now, exp=now + 60)
        body = jwt.encode({"alg": "RS256", "kid": KID, "typ": "JWT"}, claims, key, ["RS256"])
        return Response(body, content_type="application/jwt")

    @app.get("/api/v2/session/end")
    def session_end():
        hint = request.args.get("id_token_hint", "")
        target = request.args.get("post_logout_redirect_uri", "")
        try:
            claims = jwt.decode(hint, key, ["RS256"]).claims
        except Exception:  # noqa: BLE001 - any invalid hint is refused
            return Response("invalid id_token_hint", status=400)
        if claims.get("aud") != client.client_id or claims.get("iss") != issuer:
            return Response("id_token_hint for another client", status=400)
        if target not in client.logout_uris:
            return Response("post_logout_redirect_uri not registered", status=400)
        logouts.append({"sub": claims["sub"], "state": request.args.get("state", "")})
        state = request.args.get("state")
        return redirect(f"{target}?state={state}" if state else target)

    @app.post("/_test/faults")
    def test_faults():
        faults.clear()
        faults.update(request.get_json())
        return jsonify(faults)

    @app.get("/_test/logouts")
    def test_logouts():
        return jsonify(logouts)

    return app


if __name__ == "__main__":
    port, client_id, secret, redirect_uri, logout_uri = sys.argv[1:6]
    application = create_app(int(port), Client(client_id, secret, [redirect_uri], [logout_uri]))
    application.run(host="127.0.0.1", port=int(port), threaded=True)
