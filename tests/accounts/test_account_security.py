"""Account security (issue 17, items 5 and 6): each test replays the attack first.

Staff powers need two-factor authentication on the site and the API; sensitive changes ask for
the password again; the member is told of security changes; API tokens expire and die with
the old password; sign-up does the same work for a known and a new address; names refuse
bidirectional overrides and invisible characters.
"""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from parvis.accounts.models import ApiToken, User
from parvis.accounts.services import api_token_create, profile_update
from parvis.core.validators import invisible_character

from ..factories import api_key_for, give_totp

TOKENS = "/compte/jetons/"
CURRENT_TOKEN = "/api/jeton/"
MODERATION_QUEUE = "/moderation/"
NEW_PASSWORD = "une-toute-nouvelle-phrase-2026"


def api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# 5. Staff powers need two-factor authentication


def test_staff_without_mfa_is_a_member_on_the_site_with_a_notice(login, staff_without_mfa):
    client = login(staff_without_mfa, mfa=False)
    page = client.get("/")
    assert page.wsgi_request.user.is_staff is False
    assert page.wsgi_request.user.has_perm("moderation.change_moderationcase") is False
    html = page.content.decode()
    assert "Your staff powers are suspended" in html
    assert 'href="/compte/2fa/totp/activate/?next=/"' in html
    # The stored account keeps its role: only this session's powers are suspended.
    assert User.objects.get(pk=staff_without_mfa.pk).is_staff


def test_staff_with_an_authenticator_but_a_password_only_session_must_use_it(
    login, staff_without_mfa
):
    give_totp(staff_without_mfa)
    client = login(staff_without_mfa, mfa=False)
    html = client.get("/").content.decode()
    assert 'href="/compte/2fa/reauthenticate/?next=/"' in html
    assert client.get("/admin/").url == "/compte/2fa/reauthenticate/?next=/admin/"


def test_staff_after_mfa_has_powers_and_no_notice(login, moderator):
    page = login(moderator).get("/")
    assert page.wsgi_request.user.is_staff is True
    assert page.wsgi_request.user.has_perm("moderation.change_moderationcase")
    assert "Your staff powers are suspended" not in page.content.decode()


def test_staff_powers_without_mfa_when_the_setting_is_off(login, staff_without_mfa, settings):
    settings.PARVIS_STAFF_MFA_REQUIRED = False
    page = login(staff_without_mfa, mfa=False).get("/")
    assert page.wsgi_request.user.is_staff is True
    assert "Your staff powers are suspended" not in page.content.decode()


def test_a_write_by_suspended_staff_keeps_their_stored_role(login, staff_without_mfa):
    client = login(staff_without_mfa, mfa=False)
    user = client.get("/").wsgi_request.user
    profile_update(user=user, bio="Agent de la collectivité.")
    user.save()  # even a full save writes the account's own flags
    stored = User.objects.get(pk=staff_without_mfa.pk)
    assert stored.is_staff and stored.bio == "Agent de la collectivité."
    assert stored.groups.filter(name="Modérateurs").exists()


def test_staff_token_without_mfa_gets_member_access(staff_without_mfa, moderator):
    weak = api(api_key_for(staff_without_mfa, mfa=False)).get(CURRENT_TOKEN)
    assert weak.status_code == 200
    assert weak.json()["staff_powers"] is False
    strong = api(api_key_for(moderator)).get(CURRENT_TOKEN)
    assert strong.json()["staff_powers"] is True


def test_staff_token_loses_its_powers_when_the_authenticator_is_removed(moderator):
    key = api_key_for(moderator)
    moderator.authenticator_set.all().delete()
    assert api(key).get(CURRENT_TOKEN).json()["staff_powers"] is False


# 6a. Re-authentication before sensitive changes


def test_creating_a_token_without_recent_password_is_refused(login, resident):
    response = login(resident).post(TOKENS, {"name": "Volé"})
    assert response.status_code == 302
    assert response.url.startswith("/compte/reauthenticate/")
    assert not ApiToken.objects.exists()


def test_changing_the_email_address_asks_for_the_password_again(login, resident):
    client = login(resident)
    response = client.post("/compte/email/", {"action_add": "", "email": "pirate@example.org"})
    assert response.status_code == 302
    assert response.url.startswith("/compte/reauthenticate/")
    assert not resident.emailaddress_set.filter(email="pirate@example.org").exists()
    assert mail.outbox == []


def test_deleting_the_account_asks_for_the_password_again(login, resident):
    client = login(resident)
    response = client.post(
        "/compte/donnees/supprimer-mon-compte/", {"contributions": "keep", "confirm": "on"}
    )
    assert response.url.startswith("/compte/reauthenticate/")
    resident.refresh_from_db()
    assert resident.is_active


# 6b. The member is told of security changes


def test_old_address_is_told_of_an_email_change(login, resident, password):
    client = login(resident)
    asked = client.post("/compte/email/", {"action_add": "", "email": "nouvelle@example.org"})
    client.post(asked.url, {"password": password})
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    assert mail.outbox[-1].to == ["nouvelle@example.org"]
    mail.outbox.clear()
    client.post(urlparse(link).path)
    resident.refresh_from_db()
    assert resident.email == "nouvelle@example.org"
    told = [message for message in mail.outbox if message.to == ["camille.martin@example.org"]]
    assert len(told) == 1
    assert "nouvelle@example.org" in told[0].body


def test_password_change_tells_the_member_and_revokes_every_token(login, resident, password):
    api_token_create(user=resident, name="Script 1")
    _token, key = api_token_create(user=resident, name="Script 2")
    client = login(resident)
    response = client.post(
        "/compte/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=resident).exists()
    assert api(key).get(CURRENT_TOKEN).status_code == 401
    assert [message.to for message in mail.outbox] == [[resident.email]]
    assert "2 API tokens have been revoked" in client.get(TOKENS).content.decode()


def test_password_reset_revokes_every_token(client, resident):
    _token, key = api_token_create(user=resident, name="Script")
    client.post("/compte/password/reset/", {"email": resident.email})
    link = re.search(r"https?://\S+/compte/password/reset/key/\S+/", mail.outbox[0].body)
    form_page = client.get(urlparse(link.group(0)).path, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert not ApiToken.objects.filter(user=resident).exists()
    assert api(key).get(CURRENT_TOKEN).status_code == 401


# 6c. Tokens expire


def test_token_expires_after_the_configured_lifetime(resident, login, settings):
    settings.PARVIS_API_TOKEN_DAYS = 30
    token, key = api_token_create(user=resident, name="Script")
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    shown = api(key).get(CURRENT_TOKEN).json()
    assert shown["expires_at"].startswith(str(timezone.localtime(token.expires_at).date()))
    assert shown["name"] == "Script" and shown["staff_powers"] is False
    listing = login(resident).get(TOKENS).content.decode()
    assert "A token expires 30 days after its creation." in listing


def test_expired_token_is_refused_with_a_message(resident, login):
    token, key = api_token_create(user=resident, name="Script")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api(key).get("/api/evenements/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert "expired" in login(resident).get(TOKENS).content.decode()


def test_no_expiry_when_the_lifetime_is_zero(resident, settings):
    settings.PARVIS_API_TOKEN_DAYS = 0
    token, key = api_token_create(user=resident, name="Script")
    assert token.expires_at is None
    assert api(key).get(CURRENT_TOKEN).json()["expires_at"] is None


def test_current_token_endpoint_needs_a_token(client, login, resident):
    assert APIClient().get(CURRENT_TOKEN).status_code == 401
    assert login(resident).get(CURRENT_TOKEN).status_code == 401  # a session is not a token


# 6d. Sign-up does the same work for a known and a new address


class CountingHasher(MD5PasswordHasher):
    """Counts the passwords hashed: the expensive step of a sign-up (PBKDF2 in production)."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def test_signup_hashes_the_password_for_a_known_address_as_for_a_new_one(
    client, settings, resident, beauvais
):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    password = "un-mot-de-passe-solide-2026"
    data = {
        "first_name": "Amélie",
        "last_name": "Fournier",
        "commune": "Beauvais (60000)",
        "password1": password,
        "password2": password,
        "terms": "on",
    }
    work = {}
    for case, email in (("new", "amelie.fournier@example.org"), ("known", resident.email)):
        client.logout()
        mail.outbox.clear()
        CountingHasher.calls = 0
        response = client.post("/compte/signup/", {**data, "email": email})
        work[case] = (response.status_code, response.url, CountingHasher.calls, len(mail.outbox))
    assert work["new"] == work["known"] == (302, "/compte/confirm-email/", 1, 1)


# 6e. Names refuse bidirectional overrides and invisible characters


@pytest.mark.parametrize(
    "character", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200e", "\ufeff", "\x07"]
)
def test_invisible_characters_are_found(character):
    assert invisible_character(f"Jean{character}Dupont") == character


@pytest.mark.parametrize("name", ["Zoë Ça-Va", "Anne‑Marie O’Neil", "محمد", "Nguyễn"])
def test_ordinary_names_pass(name):
    assert invisible_character(name) is None


def test_profile_refuses_a_right_to_left_override_in_a_name(login, resident, settings):
    settings.LANGUAGE_CODE = "fr"
    response = login(resident).post(
        "/compte/profil/",
        {
            "first_name": "Camille",
            "last_name": "\u202enimdA",
            "commune": "Beauvais (60000)",
            "directory_visibility": "members",
        },
        headers={"accept-language": "fr"},
    )
    assert response.status_code == 200
    assert "caractère invisible ou de contrôle (U+202E)" in response.content.decode()
    resident.refresh_from_db()
    assert resident.last_name == "Martin"


def test_organisation_and_group_names_refuse_invisible_characters(
    association_manager, association, resident
):
    from django.core.exceptions import ValidationError

    from parvis.groups.models import Theme
    from parvis.groups.services import group_create
    from parvis.organisations.services import organisation_update

    with pytest.raises(ValidationError) as refused:
        organisation_update(
            organisation=association, actor=association_manager, name="Mairie\u2066 officielle"
        )
    assert "U+2066" in str(refused.value)
    association.refresh_from_db()
    assert association.name == "Les Amis du Beauvaisis"
    with pytest.raises(ValidationError):
        group_create(creator=resident, name="Groupe\u200b officiel", theme=Theme.ENVIRONMENT)


def test_api_refuses_an_invisible_character_in_a_group_name(resident):
    response = api(api_key_for(resident)).post(
        "/api/groupes/",
        {"name": "Conseil\u202e", "theme": "environment", "visibility": "public"},
        format="json",
    )
    assert response.status_code == 400
    assert "U+202E" in str(response.json())


def test_a_password_set_anywhere_revokes_the_tokens(resident):
    """The admin's form and ``manage.py changepassword`` call ``set_password`` then ``save``."""
    _token, key = api_token_create(user=resident, name="Script")
    resident.bio = "Nouvelle présentation."
    resident.save()  # another change keeps the tokens
    assert api(key).get(CURRENT_TOKEN).status_code == 200
    resident.set_password(NEW_PASSWORD)
    resident.save()
    assert not ApiToken.objects.filter(user=resident).exists()
    assert api(key).get(CURRENT_TOKEN).status_code == 401
