"""Personal API tokens: created, shown once, revoked, and used to call the API."""

import pytest

from parvis.accounts.models import ApiToken, hash_token
from parvis.accounts.services import api_token_create

TOKENS = "/compte/jetons/"
CREATED = "/compte/jetons/nouveau/"


def revoke_url(token):
    return f"/compte/jetons/{token.pk}/revoquer/"


def test_member_creates_a_token_and_sees_the_key_once(login, resident, password):
    client = login(resident)
    assert client.get(TOKENS).status_code == 200
    asked = client.post(TOKENS, {"name": "  Mon script  d'agenda "})
    assert asked.status_code == 302  # the password again first (allauth's re-authentication)
    assert asked.url == "/compte/reauthenticate/?next=%2Fcompte%2Fjetons%2F"
    assert not ApiToken.objects.exists()
    response = client.post(asked.url, {"password": password})  # resumes the creation
    assert response.status_code == 302
    assert response.url == CREATED
    token = ApiToken.objects.get(user=resident)
    assert token.name == "Mon script d'agenda"

    shown = client.get(CREATED)
    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store"
    key = shown.context["key"]
    assert len(key) >= 40
    assert key in shown.content.decode()
    assert token.prefix == key[:8]
    assert token.key_hash == hash_token(key)
    assert key not in token.key_hash

    again = client.get(CREATED)
    assert again.status_code == 302
    assert again.url == TOKENS
    listing = client.get(TOKENS).content.decode()
    assert key not in listing
    assert token.prefix in listing
    assert "Mon script d&#x27;agenda" in listing


@pytest.mark.parametrize(
    ("name", "message"), [("", "required"), ("   ", "required"), ("x" * 81, "at most 80")]
)
def test_token_needs_a_name(login, resident, name, message):
    response = login(resident, reauthenticated=True).post(TOKENS, {"name": name})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["name"])
    assert not ApiToken.objects.exists()


def test_member_revokes_a_token_after_confirming(login, resident):
    token, _ = api_token_create(user=resident, name="Essai")
    client = login(resident)
    page = client.get(revoke_url(token))
    assert page.status_code == 200
    assert "Essai" in page.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()
    response = client.post(revoke_url(token))
    assert response.status_code == 302
    assert response.url == TOKENS
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_stranger_cannot_see_or_revoke_a_token(login, resident, other_resident):
    token, _ = api_token_create(user=resident, name="Essai")
    client = login(other_resident)
    assert client.get(revoke_url(token)).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    assert "Essai" not in client.get(TOKENS).content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_visitor_is_sent_to_log_in_for_tokens(client, resident):
    token, _ = api_token_create(user=resident, name="Essai")
    for url in (TOKENS, CREATED, revoke_url(token)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/compte/login/?next={url}"
    client.post(revoke_url(token))
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_key_from_another_members_session_is_not_shown(login, resident, other_resident):
    token, key = api_token_create(user=resident, name="Essai")
    client = login(other_resident)
    session = client.session
    session["parvis_new_api_token"] = {"pk": token.pk, "key": key}
    session.save()
    response = client.get(CREATED)
    assert response.status_code == 302


# The API authenticates with the token


def test_token_authenticates_an_api_request(client, resident):
    token, key = api_token_create(user=resident, name="Essai")
    response = client.get("/api/", headers={"authorization": f"Token {key}"})
    assert response.status_code == 200
    assert response.wsgi_request.user == resident
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_invalid_or_revoked_token_is_refused_by_the_api(client, resident):
    token, key = api_token_create(user=resident, name="Essai")
    assert client.get("/api/", headers={"authorization": "Token nope"}).status_code == 401
    token.delete()
    assert client.get("/api/", headers={"authorization": f"Token {key}"}).status_code == 401


def test_token_of_an_inactive_member_is_refused(client, resident):
    _, key = api_token_create(user=resident, name="Essai")
    resident.is_active = False
    resident.save()
    assert client.get("/api/", headers={"authorization": f"Token {key}"}).status_code == 401
