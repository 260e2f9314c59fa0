"""allauth's pages render inside the site layout and respect the Content-Security-Policy."""

import re

import pytest

PUBLIC_PAGES = [
    "/compte/login/",
    "/compte/signup/",
    "/compte/password/reset/",
    "/compte/password/reset/done/",
    "/compte/confirm-email/",
]
MEMBER_PAGES = [
    "/compte/email/",
    "/compte/password/change/",
    "/compte/sessions/",
    "/compte/2fa/",
    "/compte/logout/",
]


def assert_csp_safe(html):
    assert "style=" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        executable = 'type="application/json"' not in tag
        if executable:
            assert "src=" in tag, tag
    assert re.search(r"\son[a-z]+=", html) is None


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_allauth_pages_use_the_site_layout(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert 'id="contenu"' in html
    assert_csp_safe(html)
    assert response.headers.get("Content-Security-Policy")


@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_member_allauth_pages_use_the_site_layout(login, resident, url):
    response = login(resident).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert_csp_safe(html)


def test_email_change_page_with_a_pending_address_has_no_inline_style(login, resident, password):
    client = login(resident)
    asked = client.post("/compte/email/", {"action_add": "", "email": "nouvelle@example.org"})
    assert asked.url.startswith("/compte/reauthenticate/")  # the password again, first
    client.post(asked.url, {"password": password})
    html = client.get("/compte/email/").content.decode()
    assert "nouvelle@example.org" in html
    assert 'id="pending-email"' in html
    assert_csp_safe(html)


def test_page_title_comes_from_allauth(client, db):
    html = client.get("/compte/login/").content.decode()
    assert re.search(r"<title>\s*Sign In\s*—", html)


def test_two_factor_setup_pages_have_no_inline_code(client, resident, password):
    client.post("/compte/login/", {"login": resident.email, "password": password})
    page = client.get("/compte/2fa/totp/activate/")
    if page.status_code == 302:
        reauthenticate = client.get(page.url)
        assert reauthenticate.status_code == 200
        assert_csp_safe(reauthenticate.content.decode())
        client.post(page.url, {"password": password})
        page = client.get("/compte/2fa/totp/activate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="site-header"' in html
    assert 'name="code"' in html
    assert_csp_safe(html)
