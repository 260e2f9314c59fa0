"""Sign-up, e-mail confirmation, log-in, password reset: the real allauth flows."""

import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from parvis.accounts.models import User

SIGNUP = "/compte/signup/"
LOGIN = "/compte/login/"
RESET = "/compte/password/reset/"
PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def signup_data(beauvais):
    return {
        "first_name": "  Amélie ",
        "last_name": "Fournier",
        "email": "amelie.fournier@example.org",
        "commune": "Beauvais (60000)",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "terms": "on",
    }


def confirmation_path(message):
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", message.body).group(0)
    return urlparse(link).path


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_visitor_signs_up_confirms_the_address_and_logs_in(client, signup_data, beauvais):
    page = client.get(SIGNUP)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("first_name", "last_name", "email", "commune", "password1", "password2"):
        assert f'name="{name}"' in html
    assert 'name="terms"' in html and 'href="/conditions/"' in html

    response = client.post(SIGNUP, signup_data)
    assert response.status_code == 302
    assert response.url == "/compte/confirm-email/"
    user = User.objects.get(email="amelie.fournier@example.org")
    assert (user.first_name, user.last_name) == ("Amélie", "Fournier")
    assert user.commune == beauvais
    assert user.terms_accepted_at is not None
    assert user.kind == "resident"
    assert logged_in_user_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amelie.fournier@example.org"]

    path = confirmation_path(mail.outbox[0])
    confirm_page = client.get(path)
    assert confirm_page.status_code == 200
    assert "<form" in confirm_page.content.decode()
    assert not EmailAddress.objects.get(user=user).verified
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert confirmed.url == LOGIN
    assert EmailAddress.objects.get(user=user).verified

    logged_in = client.post(LOGIN, {"login": "amelie.fournier@example.org", "password": PASSWORD})
    assert logged_in.status_code == 302
    assert logged_in.url == "/"
    assert logged_in_user_id(client) == str(user.pk)
    home = client.get("/")
    assert "Amélie Fournier" in home.content.decode()


def test_member_cannot_log_in_before_confirming_the_address(client, signup_data):
    client.post(SIGNUP, signup_data)
    mail.outbox.clear()
    response = client.post(LOGIN, {"login": signup_data["email"], "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/compte/confirm-email/"
    assert logged_in_user_id(client) is None
    assert "_auth_user_id" not in client.session
    # The first link was sent a moment ago: no new one within the rate limit (1 per 3 min).
    assert mail.outbox == []
    assert client.get("/compte/parametres/").status_code == 302


def test_signing_up_with_a_registered_address_answers_alike_and_warns_the_owner(
    client, signup_data, resident
):
    new = client.post(SIGNUP, signup_data)
    mail.outbox.clear()
    client.logout()
    taken = client.post(SIGNUP, {**signup_data, "email": resident.email})
    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    assert User.objects.filter(email=resident.email).count() == 1
    assert User.objects.get(email=resident.email).first_name == "Camille"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    assert "already" in mail.outbox[0].subject.lower() or "already" in mail.outbox[0].body


def test_password_reset_answers_alike_for_known_and_unknown_addresses(client, resident):
    known = client.post(RESET, {"email": resident.email})
    unknown = client.post(RESET, {"email": "personne@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == "/compte/password/reset/done/"
    assert [m.to for m in mail.outbox] == [[resident.email], ["personne@example.org"]]
    assert "/compte/password/reset/key/" in mail.outbox[0].body
    assert "/compte/password/reset/key/" not in mail.outbox[1].body


def test_password_reset_link_sets_a_new_password(client, resident):
    client.post(RESET, {"email": resident.email})
    link = re.search(r"https?://\S+/compte/password/reset/key/\S+/", mail.outbox[0].body)
    form_page = client.get(urlparse(link.group(0)).path, follow=True)
    assert form_page.status_code == 200
    new_password = "une-toute-nouvelle-phrase-2026"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(0),
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password(new_password)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Xk9#mQ2!vLp", "at least 12 characters"),
        ("password1234", "too common"),
        ("fournierdelacroix", "too similar"),
    ],
)
def test_weak_passwords_are_refused(client, signup_data, password, message):
    data = {
        **signup_data,
        "last_name": "Fournier-Delacroix",
        "email": "a.f@example.org",
        "password1": password,
        "password2": password,
    }
    response = client.post(SIGNUP, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="a.f@example.org").exists()
    assert mail.outbox == []


def test_filled_honeypot_creates_no_account_but_answers_like_a_success(client, signup_data):
    response = client.post(SIGNUP, {**signup_data, "phone_number": "0344000000"})
    assert response.status_code == 302
    assert response.url == "/compte/confirm-email/"
    assert not User.objects.filter(email=signup_data["email"]).exists()
    assert mail.outbox == []


def test_signup_page_hides_the_honeypot_without_an_inline_style(client, db):
    html = client.get(SIGNUP).content.decode()
    assert 'name="phone_number"' in html
    assert "style=" not in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"terms": ""}, "terms", "You must accept the terms of use"),
        ({"first_name": "   "}, "first_name", "This field is required"),
        ({"last_name": "x" * 81}, "last_name", "80 characters at most"),
        ({"first_name": "jean@example.org"}, "first_name", "cannot contain an e-mail address"),
        ({"last_name": "Promo www.example.com"}, "last_name", "cannot contain a web address"),
        ({"last_name": "see https://spam.example"}, "last_name", "cannot contain a web address"),
        ({"last_name": "Achetez.fr"}, "last_name", "cannot contain a web address"),
        ({"first_name": "1234 !!"}, "first_name", "at least one letter"),
        ({"commune": ""}, "commune", "Enter your commune"),
        ({"commune": "Paris"}, "commune", "No commune of our territory matches"),
        ({"commune": "999999"}, "commune", ""),
        ({"email": "not-an-address"}, "email", ""),
        ({"email": ""}, "email", ""),
        ({"password2": "autre-chose-encore-2026"}, "password2", ""),
    ],
)
def test_signup_form_refuses_bad_input_with_a_message(client, signup_data, change, field, message):
    response = client.post(SIGNUP, {**signup_data, **change})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert not User.objects.exists()
    assert mail.outbox == []


def test_failed_logins_are_rate_limited(client, resident, password):
    for _ in range(5):
        failed = client.post(LOGIN, {"login": resident.email, "password": "wrong-password-123"})
        assert failed.status_code == 200
    blocked = client.post(LOGIN, {"login": resident.email, "password": password})
    assert blocked.status_code == 200
    assert "Too many failed login attempts" in blocked.content.decode()
    assert logged_in_user_id(client) is None


def test_member_with_confirmed_address_logs_in(client, resident, password):
    response = client.post(LOGIN, {"login": resident.email, "password": password})
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(resident.pk)


def test_logged_in_member_visiting_signup_is_sent_away(login, resident):
    response = login(resident).get(SIGNUP)
    assert response.status_code == 302


def test_the_confirmation_email_greets_with_the_sites_name(client, signup_data, settings):
    client.post(SIGNUP, signup_data)
    (message,) = mail.outbox
    assert f"c'est {settings.PARVIS_SITE_NAME}" in message.body or (
        f"from {settings.PARVIS_SITE_NAME}" in message.body
    )
    assert "testserver !" not in message.body and "from testserver" not in message.body
