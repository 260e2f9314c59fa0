"""A visitor finds their commune from the home page, meets its elected official and reads
their page: every page without WCAG 2.1 A/AA violation nor CSP error."""

import pytest
from playwright.sync_api import expect

from parvis.accounts.models import DirectoryVisibility
from parvis.organisations.models import OrganisationKind

from ..factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_picks_a_commune_then_reads_its_official_page(
    live_server, page, assert_accessible, oise, official
):
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.save(update_fields=["directory_visibility"])
    OrganisationFactory(
        name="Mairie de Compiègne", kind=OrganisationKind.INSTITUTION, commune=oise["compiegne"]
    )

    page.goto(live_server.url + "/")
    # Located by name, whatever the language of the labels.
    page.locator("form.commune-picker input[name=commune]").fill("Atlantide")
    page.locator("form.commune-picker button[type=submit]").click()
    assert page.url.endswith("/communes/?commune=Atlantide")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)

    page.locator("form.commune-picker input[name=commune]").fill("60200")
    page.locator("form.commune-picker button[type=submit]").click()
    assert page.url == live_server.url + "/communes/60159-compiegne/"
    expect(page.get_by_role("heading", level=1, name="Compiègne")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Jean Moreau").click()
    assert page.url == live_server.url + f"/elus/{official.pk}/"
    expect(page.get_by_role("heading", level=1, name="Jean Moreau")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/elus/?commune=60159")
    expect(page.get_by_role("link", name="Jean Moreau")).to_be_visible()
    assert_accessible(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
