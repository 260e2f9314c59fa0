"""The sessions list records a member's sessions (allauth's usersessions), written at most every
few minutes rather than on each request (``parvis.accounts.middleware.UserSessionsMiddleware``)."""

import time

import pytest
from allauth.usersessions.models import UserSession

from parvis.accounts import middleware

pytestmark = pytest.mark.django_db


def test_the_first_request_of_a_session_records_it(client, login, resident):
    login(resident)
    client.get("/", HTTP_USER_AGENT="Firefox")

    session = UserSession.objects.get(user=resident)
    assert session.session_key == client.session.session_key
    assert session.user_agent == "Firefox"
    assert session.ip == "127.0.0.1"


def test_the_next_requests_do_not_write_the_session_again(
    client, login, resident, django_assert_max_num_queries
):
    login(resident)
    client.get("/mentions-legales/")
    seen = UserSession.objects.get(user=resident).last_seen_at

    # The session and the user: nothing read or written for the sessions list.
    with django_assert_max_num_queries(2):
        client.get("/mentions-legales/")
    assert UserSession.objects.get(user=resident).last_seen_at == seen


def test_another_browser_or_address_is_recorded_at_once(client, login, resident):
    login(resident)
    client.get("/mentions-legales/", HTTP_USER_AGENT="Firefox")
    client.get("/mentions-legales/", HTTP_USER_AGENT="Chromium", REMOTE_ADDR="10.0.0.7")

    session = UserSession.objects.get(user=resident)
    assert (session.user_agent, session.ip) == ("Chromium", "10.0.0.7")


def test_the_last_request_is_recorded_again_after_a_while(client, login, resident, monkeypatch):
    monkeypatch.setattr(middleware, "USERSESSION_TOUCH_SECONDS", 1)
    login(resident)
    client.get("/mentions-legales/")
    seen = UserSession.objects.get(user=resident).last_seen_at

    time.sleep(1.2)
    client.get("/mentions-legales/")
    assert UserSession.objects.get(user=resident).last_seen_at > seen


def test_visitors_have_no_session_recorded(client):
    client.get("/mentions-legales/")
    assert not UserSession.objects.exists()


def test_tracking_follows_the_allauth_setting(client, login, resident, settings):
    settings.USERSESSIONS_TRACK_ACTIVITY = False
    login(resident)
    client.get("/mentions-legales/")
    assert not UserSession.objects.exists()
