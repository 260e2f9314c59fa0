"""Sign in with FranceConnect, end to end against a real OpenID Connect provider (Authlib, in
its own process on loopback) that follows FranceConnect v2's rules: acr eidas1, nonce, signed
ID token, userinfo as a signed JWT, log-out with id_token_hint."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from parvis.accounts.models import User

from ..factories import UserFactory
from .conftest import LOGOUT_CALLBACK, franceconnect_sign_in

pytestmark = pytest.mark.django_db

VERIFIED = "Identité vérifiée par FranceConnect"


def test_the_button_is_shown_only_when_franceconnect_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"franceconnect": {"APPS": []}}
    for url_name in ("account_login", "account_signup"):
        assert "FranceConnect" not in client.get(reverse(url_name)).content.decode()
    assert client.post(reverse("franceconnect_login")).status_code == 404


@pytest.mark.parametrize("url_name", ["account_login", "account_signup"])
def test_the_login_and_signup_pages_offer_franceconnect(client, franceconnect, url_name):
    page = client.get(reverse(url_name)).content.decode()
    button = re.search(
        r'<button type="submit" class="franceconnect-button">(.*?)</button>', page, re.S
    )
    assert " ".join(re.sub(r"<[^>]+>", " ", button.group(1)).split()) == (
        "S’identifier avec FranceConnect"
    )
    assert f'action="{reverse("franceconnect_login")}' in page
    assert "Qu’est-ce que FranceConnect ?" in page


def test_a_new_member_signs_up_with_franceconnect_and_is_shown_verified(
    client, franceconnect, beauvais
):
    response = franceconnect_sign_in(client, "angela")
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    form = client.get(reverse("socialaccount_signup")).content.decode()
    assert 'value="Angela Claire Louise"' in form and 'value="Dubois"' in form
    assert re.search(r'name="first_name"[^>]*disabled', form), "the verified names are fixed"

    response = client.post(
        reverse("socialaccount_signup"),
        {
            "first_name": "Faux",  # ignored: FranceConnect's names are kept
            "last_name": "Nom",
            "email": "angela.dubois@example.fr",
            "commune": "Beauvais (60000)",
            "terms": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member = User.objects.get(email="angela.dubois@example.fr")
    assert (member.first_name, member.last_name) == ("Angela Claire Louise", "Dubois")
    assert member.identity_verified_at is not None
    assert member.commune == beauvais
    assert SocialAccount.objects.get(user=member).provider == "franceconnect"

    # The e-mail address is confirmed as for any sign-up, then FranceConnect signs her in.
    (message,) = mail.outbox
    confirm = re.search(r"https?://testserver(/\S+)", message.body).group(1)
    assert client.post(confirm).status_code == 302
    response = franceconnect_sign_in(client, "angela")
    assert response.status_code == 302
    assert client.get(reverse("accounts:settings")).status_code == 200
    profile = client.get(member.get_absolute_url()).content.decode()
    assert VERIFIED in profile
    assert User.objects.count() == 1


def test_an_existing_account_is_linked_only_with_its_password(client, franceconnect, password):
    member = UserFactory(
        email="pierre.mercier@example.fr", first_name="Pierrot", last_name="Mercier"
    )
    response = franceconnect_sign_in(client, "pierre")
    assert response.status_code == 302
    assert response["Location"] == reverse("franceconnect_link")
    # Not connected by the e-mail address: not logged in, nothing linked yet.
    assert client.get(reverse("accounts:settings")).status_code == 302
    assert not SocialAccount.objects.exists()
    page = client.get(reverse("franceconnect_link")).content.decode()
    assert "pierre.mercier@example.fr" in page

    wrong = client.post(reverse("franceconnect_link"), {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert "Ce n’est pas le mot de passe de ce compte." in wrong.content.decode()
    assert not SocialAccount.objects.exists()

    response = client.post(reverse("franceconnect_link"), {"password": password})
    assert response.status_code == 302
    assert SocialAccount.objects.get().user == member
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == ("Pierre", "Mercier")
    assert member.identity_verified_at is not None
    assert client.get(reverse("accounts:settings")).status_code == 200

    # Later sign-ins through FranceConnect go straight in.
    client.logout()
    response = franceconnect_sign_in(client, "pierre")
    assert response.status_code == 302
    assert response["Location"] != reverse("franceconnect_link")
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_changing_the_verified_names_removes_the_badge(client, franceconnect, password, login):
    UserFactory(email="pierre.mercier@example.fr")
    franceconnect_sign_in(client, "pierre")
    client.post(reverse("franceconnect_link"), {"password": password})
    member = User.objects.get(email="pierre.mercier@example.fr")
    assert VERIFIED in client.get(member.get_absolute_url()).content.decode()
    directory = client.get(reverse("directory:index"), {"type": "residents"}).content.decode()
    assert "Pierre Mercier" in directory and VERIFIED in directory
    from parvis.accounts.services import profile_update

    profile_update(user=member, first_name="Pierre", last_name="Mercier")  # unchanged
    member.refresh_from_db()
    assert member.identity_verified_at is not None
    profile_update(user=member, first_name="Pierrot")
    member.refresh_from_db()
    assert member.identity_verified_at is None
    assert VERIFIED not in client.get(member.get_absolute_url()).content.decode()
    directory = client.get(reverse("directory:index"), {"type": "residents"}).content.decode()
    assert "Pierrot Mercier" in directory and VERIFIED not in directory


def test_logout_goes_through_franceconnect_with_the_id_token(client, franceconnect, password):
    UserFactory(email="pierre.mercier@example.fr")
    franceconnect_sign_in(client, "pierre")
    client.post(reverse("franceconnect_link"), {"password": password})
    assert client.get(reverse("accounts:settings")).status_code == 200

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    end_session = response["Location"]
    assert end_session.startswith(f"{franceconnect.url}/session/end?")
    query = parse_qs(urlparse(end_session).query)
    assert query["post_logout_redirect_uri"] == [LOGOUT_CALLBACK]
    assert query["id_token_hint"] and query["state"]
    # Logged out of Parvis already.
    assert client.get(reverse("accounts:settings")).status_code == 302

    at_provider = requests.get(end_session, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text  # the hint was accepted
    back = at_provider.headers["Location"]
    assert back.startswith(LOGOUT_CALLBACK)
    (logout,) = franceconnect.logouts()[-1:]
    assert logout["state"] == query["state"][0]
    response = client.get(back, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "aussi déconnecté de FranceConnect" in response.content.decode()


def test_a_logout_return_without_parvis_state_says_nothing(client):
    """Only the state Parvis signed says the member left FranceConnect too: a forged or
    altered return page (a link sent to someone) shows no such message."""
    from parvis.franceconnect.adapter import logout_state

    for state in ("forged", logout_state() + "x"):
        response = client.get(
            reverse("franceconnect_logout_callback"), {"state": state}, follow=True
        )
        assert response.redirect_chain == [(reverse("home"), 302)]
        assert "aussi déconnecté de FranceConnect" not in response.content.decode()


def test_a_password_session_logs_out_locally(client, franceconnect, resident, password):
    client.post(reverse("account_login"), {"login": resident.email, "password": password})
    assert client.get(reverse("accounts:settings")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "session/end" not in response["Location"]


def test_a_callback_from_another_session_is_refused(client, franceconnect, django_user_model):
    """The state belongs to the browser that started the sign-in: a code and state carried
    to another browser (login CSRF) sign nobody in."""
    from django.test import Client

    response = client.post(reverse("franceconnect_login"))
    authorize = response["Location"]
    chosen = requests.post(
        authorize, data={"identity": "angela"}, allow_redirects=False, timeout=10
    )
    other = Client()
    refused = other.get(chosen.headers["Location"])
    assert refused.status_code == 401
    assert "socialaccount_sociallogin" not in other.session
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize(
    "fault",
    [
        {"nonce": "a-nonce-from-another-sign-in"},
        {"acr": "eidas2"},
        {"userinfo_json": True},  # FranceConnect v2 signs its userinfo: plain JSON is refused
        {"userinfo_sub": "someone-else"},
    ],
    ids=["nonce", "acr", "unsigned-userinfo", "userinfo-of-another-person"],
)
def test_tokens_that_break_franceconnect_rules_sign_nobody_in(client, franceconnect, fault):
    franceconnect.misbehave(**fault)
    response = franceconnect_sign_in(client, "angela")
    assert response.status_code == 401
    assert "socialaccount_sociallogin" not in client.session
    assert not SocialAccount.objects.exists()
    franceconnect.misbehave()
    assert franceconnect_sign_in(client, "angela").status_code == 302  # the same, well-behaved


def test_the_franceconnect_identity_is_exported_then_erased_with_the_account(
    client, franceconnect, password
):
    from parvis.privacy.archive import member_data
    from parvis.privacy.services import account_erase

    UserFactory(email="pierre.mercier@example.fr")
    franceconnect_sign_in(client, "pierre")
    client.post(reverse("franceconnect_link"), {"password": password})
    member = User.objects.get(email="pierre.mercier@example.fr")
    data = member_data(member)[0]
    (identity,) = data["sections"]["linked_identities"]
    assert identity["provider"] == "franceconnect"
    assert identity["extra_data"]["userinfo"]["family_name"] == "Mercier"
    assert data["member"]["identity_verified_at"]
    account_erase(member=member, actor=member)
    member.refresh_from_db()
    assert not SocialAccount.objects.exists()
    assert member.identity_verified_at is None and member.first_name == ""
    # The same FranceConnect identity can start again from scratch.
    client.logout()
    assert franceconnect_sign_in(client, "pierre")["Location"] == reverse("socialaccount_signup")


def test_a_logged_in_member_links_franceconnect_from_their_settings(
    client, franceconnect, resident, password
):
    client.post(reverse("account_login"), {"login": resident.email, "password": password})
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "S’identifier avec" in page and "?process=connect" in page
    response = franceconnect_sign_in(client, "angela", process="connect")
    # Linking an identity is a sensitive change: the password is asked again (issue 17, item 6).
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": password}, follow=True)
    assert response.status_code == 200
    resident.refresh_from_db()
    assert SocialAccount.objects.get().user == resident
    assert (resident.first_name, resident.last_name) == ("Angela Claire Louise", "Dubois")
    assert resident.identity_verified_at is not None
    assert VERIFIED in client.get(reverse("accounts:settings")).content.decode()
