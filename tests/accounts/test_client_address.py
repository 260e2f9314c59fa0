"""The client's address behind the proxy (``PARVIS_TRUSTED_PROXIES``): log-in rate limits key on
the client the trusted proxy saw, never on the proxy itself nor on a header the client wrote.

The real nginx in front of two application servers is proved in
tests/deploy/test_scale_out.py; here the proxy's header is written by the test client."""

import pytest
from django.test import Client

from parvis.core.clientip import client_ip

LOGIN = "/compte/login/"
LOCKED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def fail_five_times(client, **headers):
    for number in range(5):
        # Unknown addresses: the limit that trips is the client's address, not the account's.
        response = client.post(
            LOGIN, {"login": f"nobody{number}@example.org", "password": "wrong-1234"}, **headers
        )
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()


def logs_in(user, password, **headers):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(LOGIN, {"login": user.email, "password": password}, **headers)
    return response.status_code == 302, response


def test_behind_the_proxy_one_client_locked_out_does_not_lock_out_the_others(
    settings, resident, other_resident, password
):
    settings.PARVIS_TRUSTED_PROXIES = 1
    attacker = Client(HTTP_ACCEPT_LANGUAGE="en")
    # nginx appends the address it saw: every request comes from the proxy (127.0.0.1).
    fail_five_times(attacker, HTTP_X_FORWARDED_FOR="198.51.100.7")

    locked, response = logs_in(resident, password, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert not locked
    assert LOCKED in response.content.decode()
    # Forging a first entry does not help: nginx still appends the address it saw.
    locked, response = logs_in(
        resident, password, HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7"
    )
    assert not locked
    assert LOCKED in response.content.decode()
    # Another client, same proxy: not locked out.
    assert logs_in(other_resident, password, HTTP_X_FORWARDED_FOR="192.0.2.20")[0]


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_lock(
    settings, resident, password
):
    settings.PARVIS_TRUSTED_PROXIES = 0
    attacker = Client(HTTP_ACCEPT_LANGUAGE="en")
    fail_five_times(attacker)
    for forged in ("198.51.100.1", "198.51.100.2, 198.51.100.3"):
        locked, response = logs_in(resident, password, HTTP_X_FORWARDED_FOR=forged)
        assert not locked
        assert LOCKED in response.content.decode()


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "127.0.0.1", "", "127.0.0.1"),
        (0, "127.0.0.1", "203.0.113.5", "127.0.0.1"),
        (1, "127.0.0.1", "203.0.113.5", "203.0.113.5"),
        (1, "127.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "172.18.0.1", "6.6.6.6, 203.0.113.5, 172.18.0.9", "203.0.113.5"),
        (2, "127.0.0.1", "203.0.113.5", "203.0.113.5"),  # one proxy bypassed
        (1, "127.0.0.1", "", "127.0.0.1"),  # no header: the connection's address
        (1, "127.0.0.1", "not-an-address", ""),
        (1, "127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_address_the_trusted_proxies_saw(
    rf, settings, proxies, remote, forwarded, expected
):
    settings.PARVIS_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
