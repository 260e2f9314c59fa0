"""The directory in a real browser: filters and pages are accessible, no CSP error."""

import re

import pytest
from playwright.sync_api import expect

from ..factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_directory_filters_and_pages_are_accessible(live_server, page, assert_accessible, oise):
    OrganisationFactory.create_batch(25, commune=oise["compiegne"])
    OrganisationFactory(name="Loin d'ici", commune=oise["beauvais"])
    page.goto(live_server.url + "/annuaire/")
    assert_accessible(page)
    assert page.get_by_role("status").inner_text().startswith("26")

    # On a phone the words stay in view and the other filters fold behind a button: the
    # results come first.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("main input[name=q]")).to_be_visible()
    expect(page.locator("select[name=epci]")).to_be_hidden()
    assert page.locator("main .cards .card").first.bounding_box()["y"] < 844
    page.screenshot(path="/tmp/directory-phone.png", full_page=True)
    page.locator(".filter-panel summary").click()
    page.screenshot(path="/tmp/directory-phone-filters.png", full_page=True)
    page.select_option("select[name=epci]", label=oise["epcis"][1].name)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"epci="))
    assert page.get_by_role("status").inner_text().startswith("25")
    page.locator("a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert "epci=" in page.url
    assert page.locator("main h3").count() == 5
    assert_accessible(page)

    page.locator("a[href*='type=officials']").first.click()
    page.wait_for_url(re.compile(r"type=officials"))
    assert_accessible(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
