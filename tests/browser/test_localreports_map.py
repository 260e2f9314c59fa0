"""The maps of the local reports, with the tiles blocked (the tests never depend on them): the
list's markers link to the reports, and a click on the form's map fills the latitude and the
longitude — with axe-core on both pages."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from parvis.localreports.models import Category, Report, Route

from ..factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def blocked_tiles(page):
    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())
    return page


def test_markers_on_the_list_and_a_point_picked_on_the_form(
    live_server, blocked_tiles, assert_accessible, resident, beauvais
):
    page = blocked_tiles
    category, _ = Category.objects.get_or_create(
        slug="voirie-trottoirs",
        defaults={"name": "Voirie et trottoirs", "route": Route.COMMUNE, "position": 1},
    )
    for lat, lon in (
        (Decimal("49.430000"), Decimal("2.080000")),
        (Decimal("49.433000"), Decimal("2.090000")),
        (Decimal("49.430000"), Decimal("2.080000")),  # the same place: one marker for both
    ):
        Report.objects.create(
            author=resident,
            commune=beauvais,
            category=category,
            description="Un nid-de-poule profond sur la chaussée.",
            address="Rue de la République",
            latitude=lat,
            longitude=lon,
        )
    page.goto(f"{live_server.url}/signalements/")
    page.wait_for_selector('[data-map="points"][data-ready="true"]')
    # Three reports, two markers: the two at the same place share one, which shows their number
    # and lists both in its popup.
    assert page.locator(".leaflet-marker-icon").count() == 2
    group = page.locator(".map-marker-group")
    expect(group).to_have_count(1)
    expect(group).to_contain_text("2")
    group.click()
    expect(page.locator(".leaflet-popup li a")).to_have_count(2)
    assert page.locator(".leaflet-popup a").first.get_attribute("href").startswith("/signalements/")
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    # The tiles are blocked: the map says so, in its corner.
    expect(page.locator(".map-note")).to_contain_text("Le fond de carte n’a pas pu être chargé")
    assert page.get_by_role("link", name=re.compile("Voirie et trottoirs — Beauvais")).count() >= 2
    assert_accessible(page)

    page.goto(
        f"{live_server.url}/compte/login/?next=/signalements/nouveau/%3Fcommune%3D60057%26category%3Dvoirie-trottoirs"
    )
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
