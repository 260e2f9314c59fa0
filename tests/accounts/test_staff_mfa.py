"""Staff must set up two-factor authentication before any admin page; admin log-in is allauth's."""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from parvis.accounts.models import User

ADMIN = "/admin/"
TOTP_SETUP = "/compte/2fa/totp/activate/"


@pytest.fixture
def staff_member(oise):
    from ..factories import UserFactory

    return UserFactory(email="agent@example.org", is_staff=True, is_superuser=True)


def current_code(secret):
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_staff_without_authenticator_is_sent_to_totp_setup(login, staff_member):
    response = login(staff_member, mfa=False).get(ADMIN)
    assert response.status_code == 302
    assert response.url == f"{TOTP_SETUP}?next={ADMIN}"


def test_staff_with_totp_reaches_the_admin(login, staff_member):
    TOTP.activate(staff_member, generate_totp_secret())
    assert login(staff_member).get(ADMIN).status_code == 200


def open_totp_setup(client, user, password):
    """Log in, confirm the password when allauth asks for it, and open the TOTP setup."""
    client.post("/compte/login/", {"login": user.email, "password": password})
    page = client.get(TOTP_SETUP)
    if page.status_code == 302:
        assert page.url.startswith("/compte/reauthenticate/")
        client.post(page.url, {"password": password})
        page = client.get(TOTP_SETUP)
    assert page.status_code == 200
    return page


@pytest.mark.django_db(transaction=True)  # allauth records the activation after the commit
def test_staff_activates_totp_through_the_form_then_reaches_the_admin(
    client, staff_member, password, mailoutbox
):
    open_totp_setup(client, staff_member, password)
    secret = client.session["mfa.totp.secret"]
    response = client.post(TOTP_SETUP, {"code": current_code(secret)})
    assert response.status_code == 302
    assert staff_member.authenticator_set.filter(type="totp").exists()
    # The code typed to set it up counts as this session's second factor: powers at once.
    assert client.get(ADMIN).status_code == 200
    assert [message.to for message in mailoutbox] == [[staff_member.email]]  # told of it


def test_wrong_totp_code_activates_nothing(client, staff_member, password):
    open_totp_setup(client, staff_member, password)
    response = client.post(TOTP_SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert not staff_member.authenticator_set.exists()
    assert client.get(ADMIN).status_code == 302


def test_non_staff_member_is_not_redirected_to_totp_setup(login, resident):
    client = login(resident)
    assert client.get("/compte/parametres/").status_code == 200
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert not response.url.startswith(TOTP_SETUP)
    assert client.get(response.url).status_code == 403
    assert client.get("/").status_code == 200


def test_staff_outside_the_admin_is_not_redirected(login, staff_member):
    assert login(staff_member).get("/compte/parametres/").status_code == 200


def test_no_redirect_when_staff_mfa_is_not_required(login, staff_member, settings):
    settings.PARVIS_STAFF_MFA_REQUIRED = False
    assert login(staff_member).get(ADMIN).status_code == 200


def test_anonymous_admin_visit_ends_at_the_allauth_login_page(client, db):
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 200
    final_url = response.redirect_chain[-1][0]
    assert final_url.startswith("/compte/login/?next=")
    assert 'name="login"' in response.content.decode()


def test_admin_login_url_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/compte/login/?next=")


def test_staff_logs_in_through_allauth_and_lands_on_totp_setup(client, staff_member, password):
    response = client.post(
        "/compte/login/?next=/admin/",
        {"login": staff_member.email, "password": password, "next": ADMIN},
    )
    assert response.status_code == 302
    assert response.url == ADMIN
    assert client.get(ADMIN).url.startswith(TOTP_SETUP)
    assert User.objects.get(pk=staff_member.pk).last_login is not None
