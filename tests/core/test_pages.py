"""The legal pages: legal notice, privacy policy, accessibility statement, terms of use."""

import re

import pytest

PAGES = ["/mentions-legales/", "/confidentialite/", "/accessibilite/", "/conditions/"]


@pytest.mark.parametrize("url", PAGES)
def test_legal_page_renders_in_french_with_one_main_heading(client, db, url):
    response = client.get(url)
    body = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in body
    assert len(re.findall(r"<h1[ >]", body)) == 1
    assert "TITLE_" not in body
    assert "<h2" in body


@pytest.mark.parametrize("url", PAGES)
def test_legal_page_is_available_in_english(client, db, url):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(url).content.decode()
    assert '<html lang="en">' in body


@pytest.mark.parametrize("url", PAGES)
def test_legal_page_is_readable_by_a_member_too(login, resident, url):
    assert login(resident).get(url).status_code == 200


def test_privacy_policy_gives_the_dpo_contact_and_lists_only_necessary_cookies(
    client, db, settings
):
    settings.PARVIS_CONTACT_EMAIL = "dpo@oise.example"
    body = client.get("/confidentialite/").content.decode()

    assert 'href="mailto:dpo@oise.example"' in body
    for cookie in ("sessionid", "csrftoken", "django_language"):
        assert f"<code>{cookie}</code>" in body
    assert "cnil.fr" in body


def test_accessibility_statement_names_rgaa_and_the_defenseur_des_droits(client, db):
    body = client.get("/accessibilite/").content.decode()
    assert "RGAA 4.1" in body
    assert "Défenseur des droits" in body
    assert "mailto:contact@parvis.example" in body


def test_legal_notice_names_the_site_and_links_to_the_privacy_policy(client, db, settings):
    settings.PARVIS_SITE_NAME = "Parvis Somme"
    body = client.get("/mentions-legales/").content.decode()
    assert "Parvis Somme" in body
    assert 'href="/confidentialite/"' in body


def test_terms_of_use_explain_moderation_and_appeal(client, db):
    body = client.get("/conditions/").content.decode()
    assert 'href="/confidentialite/"' in body
    assert 'id="moderation"' in body
    assert 'id="appeal"' in body
