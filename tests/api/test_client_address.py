"""The API's rate limit keys on the client the trusted proxy saw (``PARVIS_TRUSTED_PROXIES``):
a visitor writing a new ``X-Forwarded-For`` in each request is throttled all the same."""

import pytest


@pytest.fixture(autouse=True)
def _real_rates(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "60/minute"


def test_rotating_forwarded_for_does_not_escape_the_rate_limit(api, oise, settings):
    settings.PARVIS_TRUSTED_PROXIES = 0
    statuses = [
        api.get("/api/territoires/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(100)
    ]
    assert statuses == [200] * 60 + [429] * 40


def test_behind_the_proxy_forged_entries_do_not_count_and_clients_are_apart(api, oise, settings):
    settings.PARVIS_TRUSTED_PROXIES = 1
    statuses = [
        api.get("/api/territoires/", HTTP_X_FORWARDED_FOR=f"10.9.8.{n}, 203.0.113.5").status_code
        for n in range(61)
    ]
    assert statuses == [200] * 60 + [429]
    # Another client behind the same proxy has its own allowance.
    response = api.get("/api/territoires/", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert response.status_code == 200
