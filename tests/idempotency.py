"""Checks shared by the tests of every create form: sent twice, it creates once
(``parvis.core.idempotency``)."""

import secrets

ALREADY_SENT = ("This form was already sent", "Ce formulaire a déjà été envoyé")


def new_token():
    return secrets.token_urlsafe(18)


def shows_already_sent(client, response):
    page = client.get(response["Location"]).content.decode()
    return any(text in page for text in ALREADY_SENT)


def assert_form_has_token(client, page_url):
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    assert 'name="form_token"' in page.content.decode()


def assert_sent_once(client, url, data, count):
    """The same token twice: one row, the second answer redirects to the first's place with
    a message saying so. Returns the first answer."""
    before = count()
    token = new_token()
    first = client.post(url, {**data, "form_token": token})
    assert first.status_code == 302, first.status_code
    assert count() == before + 1
    client.get(first["Location"])  # the member reads the page (and its messages)
    again = client.post(url, {**data, "form_token": token})
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert count() == before + 1
    assert shows_already_sent(client, again)
    return first


def assert_new_token_sends_again(client, url, data, count):
    before = count()
    for _ in range(2):
        assert client.post(url, {**data, "form_token": new_token()}).status_code == 302
    assert count() == before + 2


def assert_retry_after_error(client, url, invalid, valid, count):
    """A refused sending does not use the token up: fixed and sent again with it, it creates.
    A form shown again with its errors carries the same token."""
    before = count()
    token = new_token()
    refused = client.post(url, {**invalid, "form_token": token})
    assert refused.status_code < 500
    assert count() == before
    if refused.status_code in (200, 400):
        assert f'value="{token}"' in refused.content.decode()
    accepted = client.post(url, {**valid, "form_token": token})
    assert accepted.status_code == 302, accepted.status_code
    assert count() == before + 1
