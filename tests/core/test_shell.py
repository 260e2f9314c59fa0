"""The site shell: navigation, language switch, error pages."""


def test_home_page_is_in_french_by_default(client, oise):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "Annuaire" in body
    assert "Oise" in body


def test_home_page_presents_the_number_of_communes_and_directory_entry_points(client, oise):
    body = client.get("/").content.decode()
    assert "3</strong> communes" in body
    for tab in ("residents", "associations", "officials", "institutions"):
        assert f"/annuaire/?type={tab}" in body


def test_visitor_switches_the_interface_to_english(client, oise):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Directory" in body
    assert "Skip to content" in body


def test_unknown_address_answers_a_clear_404_page(client, db):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_legal_pages_are_linked_from_every_page(client, db):
    body = client.get("/").content.decode()
    for url in ("/mentions-legales/", "/confidentialite/", "/accessibilite/", "/conditions/"):
        assert f'href="{url}"' in body
