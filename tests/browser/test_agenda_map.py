"""The agenda's maps with the tiles blocked (the tests never depend on them): the list's
markers link to the events, "Autour de moi" fills the distance filter from the browser's
position, and a click on the event form's map fills the latitude and longitude — with axe-core
on each page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ..agenda.conftest import create_event
from ..factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def blocked_tiles(page):
    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())
    return page


def test_agenda_map_around_me_and_a_point_picked_on_the_event_form(
    live_server, blocked_tiles, assert_accessible, association_manager, resident, beauvais
):
    page = blocked_tiles
    for title, lat in (("Bal de la place", "49.430300"), ("Concert au parc", "49.436500")):
        create_event(
            title=title,
            created_by=association_manager,
            commune=beauvais,
            latitude=Decimal(lat),
            longitude=Decimal("2.081500"),
        )
    create_event(title="Sans point", created_by=association_manager, commune=beauvais)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 49.4303, "longitude": 2.0815})

    page.goto(f"{live_server.url}/agenda/")
    page.wait_for_selector('[data-map="points"][data-ready="true"]')
    assert page.locator(".leaflet-marker-icon").count() == 2
    page.locator(".leaflet-marker-icon").first.click()
    assert page.locator(".leaflet-popup a").first.get_attribute("href").startswith("/agenda/")
    # Leaflet fades a popup in: check it as the visitor reads it, once fully shown.
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    assert_accessible(page)

    page.get_by_role("button", name="Autour de moi").click()
    page.wait_for_url(re.compile(r"pres=49\.430(%2C|,)2\.08[12]"))
    titles = page.locator(".agenda-list h3").all_inner_texts()
    assert titles == ["Bal de la place", "Concert au parc"]  # nearest first, no "Sans point"
    expect(page.get_by_text("ne sont pas affichés tant que ce filtre est actif")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/compte/login/?next=/agenda/proposer/")
    page.get_by_label(re.compile("^\\s*(Courriel|Adresse e-mail|E-mail|Email)\\s*:?\\s*$")).fill(
        resident.email
    )
    page.get_by_label(re.compile("^\\s*(Mot de passe|Password)\\s*:?\\s*$")).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-map="picker"][data-ready="true"]')
    latitude = page.locator("#id_latitude")
    assert latitude.input_value() == ""
    page.locator('[data-map="picker"]').click()
    assert re.fullmatch(r"4[89]\.\d{6}", latitude.input_value())
    assert re.fullmatch(r"[1-3]\.\d{6}", page.locator("#id_longitude").input_value())
    assert_accessible(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
