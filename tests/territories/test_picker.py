"""The commune picker: on the home page for visitors and on /communes/, by name or postal code,
without JavaScript; it leads to the commune's page, and a bad entry is explained."""

import pytest

from ..factories import TerritoryFactory

INDEX = "/communes/"


def test_visitor_finds_the_picker_on_the_home_page(visitor, oise):
    html = visitor.get("/").content.decode()
    assert 'action="/communes/"' in html
    assert 'name="commune"' in html
    assert 'autocomplete="address-level2"' in html
    assert "<datalist" not in html  # the home page stays light: no list of every commune


def test_the_picker_page_suggests_every_commune(visitor, oise):
    html = visitor.get(INDEX).content.decode()
    assert 'list="communes-list"' in html
    assert '<datalist id="communes-list">' in html
    assert '<option value="Beauvais (60000)">' in html


def test_member_finds_a_link_to_their_commune_on_the_home_page(login, resident, oise):
    html = login(resident).get("/").content.decode()
    assert '<a href="/communes/60057-beauvais/">Beauvais</a>' in html
    assert 'href="/communes/"' in html


@pytest.mark.parametrize(
    ("typed", "page"),
    [
        ("Beauvais (60000)", "/communes/60057-beauvais/"),
        ("beauvais", "/communes/60057-beauvais/"),
        ("60200", "/communes/60159-compiegne/"),
        ("  compiegne ", "/communes/60159-compiegne/"),
        ("margny les compiegne", "/communes/60382-margny-les-compiegne/"),
        ("60057", "/communes/60057-beauvais/"),
    ],
)
def test_picking_a_commune_leads_to_its_page(visitor, oise, typed, page):
    response = visitor.get(INDEX, {"commune": typed})
    assert response.status_code == 302
    assert response["Location"] == page
    assert visitor.get(page).status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Atlantis", "No commune of our territory matches “Atlantis”."),
        ("", "Enter the name or the postal code of a commune."),
        ("99999", "No commune of our territory matches “99999”."),
        ("x" * 500, "No commune of our territory matches"),
        ("<script>alert(1)</script>", "&lt;script&gt;"),
    ],
)
def test_a_bad_entry_is_explained_next_to_the_field(visitor, oise, typed, message):
    response = visitor.get(INDEX, {"commune": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "We could not find this commune" in html
    assert "<script>alert(1)</script>" not in html


def test_an_ambiguous_entry_lists_the_communes_to_choose_from(visitor, oise):
    TerritoryFactory(code="60001", name="Saint-Martin", postal_codes="60100")
    TerritoryFactory(code="60002", name="Saint-Martin", postal_codes="60300")
    html = visitor.get(INDEX, {"commune": "saint martin"}).content.decode()
    assert "Several communes match" in html
    assert "Saint-Martin (60100)" in html
    assert "Saint-Martin (60300)" in html
    response = visitor.get(INDEX, {"commune": "Saint-Martin (60300)"})
    assert response["Location"] == "/communes/60002-saint-martin/"


def test_the_index_lists_the_wider_territories_without_an_error(visitor, oise):
    html = visitor.get(INDEX).content.decode()
    assert "We could not find" not in html
    assert 'class="errorlist"' not in html
    for territory in [oise["departement"], *oise["arrondissements"], *oise["epcis"]]:
        assert f'href="{territory.get_absolute_url()}"' in html
    assert "/communes/60057-beauvais/" not in html
