"""Key journey of the search box: a visitor types "marché" in the header, sees suggestions,
opens the results and reaches an event, a group and an organisation — with axe-core checking
every page visited, with and without the suggestions open."""

import re

import pytest
from playwright.sync_api import expect

from parvis.agenda.models import Category as EventCategory
from parvis.news.models import Category as PostCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def categories(db):
    # A transactional test starts from empty tables: the categories the migrations add.
    EventCategory.objects.get_or_create(slug="culture", defaults={"name": "Culture"})
    PostCategory.objects.get_or_create(slug="vie-locale", defaults={"name": "Vie locale"})


@pytest.fixture
def world(categories, oise):
    from tests.search.conftest import build_world

    return build_world(oise)


def search_from_header(page, live_server, text):
    page.goto(live_server.url + "/")
    page.locator("header summary.menu-toggle").click()  # the search box is in the menu
    box = page.get_by_role("searchbox", name="Rechercher sur le site")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/\?q="))


def test_visitor_searches_marche_and_reaches_an_event_a_group_and_an_organisation(
    live_server, page, assert_accessible, world
):
    # Typeahead: suggestions appear under the box, announced, reachable with the keyboard.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/")
    page.locator("header summary.menu-toggle").click()  # the search box is in the menu
    box = page.get_by_role("searchbox", name="Rechercher sur le site")
    box.press_sequentially("marché", delay=30)
    suggestions = page.locator("#search-suggestions")
    suggestions.get_by_role("link", name="Grand marché de Noël").wait_for()
    expect(suggestions).to_be_visible()
    assert "suggestions" in page.get_by_role("status").last.inner_text()
    assert_accessible(page)
    page.screenshot(path="/tmp/search-typeahead-1366.png")
    box.press("ArrowDown")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Grand marché de Noël"
    page.keyboard.press("Escape")
    assert suggestions.is_hidden()

    # The results page, grouped by type.
    search_from_header(page, live_server, "marché")
    assert page.get_by_role("heading", level=1).inner_text() == "Recherche : « marché »"
    for heading in ("Événements", "Groupes", "Organisations", "Élus", "Actualités"):
        page.get_by_role("heading", level=2, name=heading).wait_for()
    assert_accessible(page)
    page.screenshot(path="/tmp/search-results-1366.png", full_page=True)

    page.get_by_role("link", name="Grand marché de Noël").click()
    page.wait_for_url(re.compile(re.escape(world["event"].get_absolute_url())))
    assert page.get_by_role("heading", level=1).inner_text() == "Grand marché de Noël"
    assert_accessible(page)

    page.go_back()
    page.get_by_role("link", name="Amis du marché bio").click()
    page.wait_for_url(re.compile(re.escape(world["group"].get_absolute_url())))
    assert "Amis du marché bio" in page.get_by_role("heading", level=1).inner_text()

    page.go_back()
    page.get_by_role("link", name="Marché paysan du Beauvaisis").click()
    page.wait_for_url(re.compile(re.escape(world["association"].get_absolute_url())))
    assert "Marché paysan du Beauvaisis" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)

    # One type only, from its "see all" link.
    search_from_header(page, live_server, "marche")
    page.get_by_role("link", name="Voir tout — Actualités").click()
    page.wait_for_url(re.compile(r"type=actualites"))
    expect(page.get_by_role("link", name="Le marché déménage")).to_be_visible()
    assert_accessible(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_search_works_without_javascript_on_a_phone(live_server, browser, world):
    # (axe-core needs JavaScript: the same pages are checked with it above.)
    context = browser.new_context(
        locale="fr-FR", java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        search_from_header(page, live_server, "xylophone")
        assert "Aucun résultat" in page.content()
        search_from_header(page, live_server, "marche")
        page.get_by_role("link", name="Grand marché de Noël").wait_for()
        page.screenshot(path="/tmp/search-results-390.png", full_page=True)
        page.get_by_role("link", name="Amis du marché bio").click()
        page.wait_for_url(re.compile(re.escape(world["group"].get_absolute_url())))
    finally:
        context.close()
