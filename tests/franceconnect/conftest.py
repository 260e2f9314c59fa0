"""A FranceConnect-like OpenID Connect provider (tests/franceconnect/oidc_provider.py, built
with Authlib) started in its own process on a loopback port, and Parvis configured to use it."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse

PROJECT = Path(__file__).resolve().parents[2]
CLIENT_ID = "parvis-test-client"
CLIENT_SECRET = "a-secret-for-the-test-provider-only"
CALLBACK = "http://testserver/compte/franceconnect/retour/"
LOGOUT_CALLBACK = "http://testserver/compte/franceconnect/deconnexion/"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    url: str

    @property
    def root(self):
        return self.url.rsplit("/api/v2", 1)[0]

    def logouts(self):
        return requests.get(f"{self.root}/_test/logouts", timeout=5).json()

    def misbehave(self, **faults):
        requests.post(f"{self.root}/_test/faults", json=faults, timeout=5).raise_for_status()


@contextmanager
def running_provider(logdir, callback, logout_callback):
    """The test provider in its own process, for a client with these redirect URIs."""
    port = free_port()
    log = logdir / f"provider-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "tests.franceconnect.oidc_provider",
                str(port),
                CLIENT_ID,
                CLIENT_SECRET,
                callback,
                logout_callback,
            ],
            cwd=PROJECT,
            env={**os.environ, "PYTHONPATH": str(PROJECT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}/api/v2"
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/.well-known/openid-configuration", timeout=2)
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"the test OpenID Connect provider did not start:\n{log.read_text()}"
                    )
                time.sleep(0.1)
        yield Provider(url)
    finally:
        process.terminate()
        process.wait(10)


def configure(settings, provider):
    """Parvis with FranceConnect configured: the test provider (as settings.py does for
    FRANCECONNECT_URL, its origin is a form-action of the CSP)."""
    origin = provider.url.rsplit("/api/v2", 1)[0]
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], origin],
    }
    settings.SOCIALACCOUNT_PROVIDERS = {
        "franceconnect": {
            "APPS": [
                {
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": provider.url},
                }
            ]
        }
    }


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("oidc"), CALLBACK, LOGOUT_CALLBACK) as provider:
        yield provider


@pytest.fixture
def franceconnect(settings, oidc_provider):
    """Parvis with FranceConnect configured (the test provider, behaving)."""
    configure(settings, oidc_provider)
    oidc_provider.misbehave()
    yield oidc_provider
    oidc_provider.misbehave()


def franceconnect_sign_in(client, identity, process="login"):
    """Click the button, choose ``identity`` at the provider, come back: the callback's
    response (the test client follows no redirect)."""
    response = client.post(f"{reverse('franceconnect_login')}?process={process}")
    assert response.status_code == 302, response
    authorize = response["Location"]
    query = parse_qs(urlparse(authorize).query)
    assert query["acr_values"] == ["eidas1"]
    assert set(query["scope"][0].split()) == {"openid", "given_name", "family_name", "email"}
    assert query["state"] and query["nonce"] and query["response_type"] == ["code"]
    page = requests.get(authorize, timeout=10)
    assert page.status_code == 200, page.text
    chosen = requests.post(
        authorize, data={"identity": identity}, allow_redirects=False, timeout=10
    )
    assert chosen.status_code == 302, chosen.text
    back = chosen.headers["Location"]
    assert back.startswith(CALLBACK), back
    return client.get(back)
