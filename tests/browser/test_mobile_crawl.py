"""Every page a visitor and a member reach from the navigation, on a phone (390×844) and a
desktop (1366×900): no horizontal scroll, a header at most 72 px high on the phone, and axe-core
finds no WCAG 2.1 A/AA violation, in French and in English.

The pages are found by crawling, not listed by hand: from the home page, every same-origin link
of the header menu, then the links of those pages (two levels, bounded), skipping actions that
change something (log out, language) and files (feeds, exports)."""

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import expect

from parvis.groups import services as groups
from parvis.groups.services import _activate

from ..agenda.conftest import create_event
from ..factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
MAX_PAGES = 45
SKIPPED = re.compile(
    r"(\.ics|\.csv|\.json|/api/|/admin/|/i18n/|/compte/logout|/compte/donnees/|/hors-ligne/"
    r"|/design/|/export|/sw\.js|\.png|\.ico|webmanifest)"
)
LONG_WORD = "Anticonstitutionnellementhttps://exemple.fr/" + "x" * 180


@pytest.fixture
def content(oise, association, association_manager, resident):
    """A little of everything, with user text that has a very long unbroken word."""
    create_event(
        created_by=association_manager,
        commune=oise["beauvais"],
        organisation=association,
        title="Concert " + LONG_WORD[:60],
        description="Programme : " + LONG_WORD,
    )
    group = groups.group_create(
        creator=association_manager,
        name="Jardins partagés",
        theme="citizenship",
        description="Un groupe pour " + LONG_WORD,
        visibility="public",
        join_policy="open",
        territory=oise["beauvais"],
    )
    _activate(group, resident)
    groups.thread_create(
        group=group, author=resident, title="Semis d'hiver", body="Voir " + LONG_WORD
    )


def crawl(page, base, *, check=None):
    """The same-origin pages reachable from the header menu, two clicks deep at most;
    ``check(path)`` runs on each page found, as it is shown (one load a page for both)."""
    page.goto(base + "/")
    start = [
        *page.locator("header nav.main-menu a, header nav.account-nav a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        ),
        "/",
    ]
    seen, queue, found = set(), [(href, 0) for href in start], []
    while queue and len(found) < MAX_PAGES:
        href, depth = queue.pop(0)
        path = urldefrag(href or "")[0]
        split = urlsplit(path)
        if split.scheme or split.netloc or not path.startswith("/") or SKIPPED.search(path):
            continue
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        found.append(path)
        if check is not None:
            check(path)
        if depth < 2:
            links = page.locator("main a[href^='/']").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            queue.extend((link, depth + 1) for link in links[:25])
    return found


def check_page(page, url, viewport_name, assert_accessible, *, loaded=False):
    if not loaded:
        page.goto(url)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"{url} scrolls sideways at {viewport_name}: {width} > {inner}"
    if viewport_name == "phone":
        header = page.evaluate(
            "document.querySelector('.site-header').getBoundingClientRect().height"
        )
        assert header <= 72, f"{url}: header {header}px high on the phone"
    assert_accessible(page)


def test_every_page_a_visitor_reaches_from_the_menu_fits_phone_and_desktop_and_is_accessible(
    live_server, browser, assert_accessible, content, resident
):
    crawl_and_check(live_server, browser, assert_accessible, resident, "visitor")


def crawl_and_check(live_server, browser, assert_accessible, resident, who):
    """The crawl and its checks in French and in English, as a visitor or as ``resident``
    (the member's crawl is in ``test_mobile_crawl_member.py``: a file of its own, so that the
    test processes share the two longest browser tests)."""
    for language in ("fr-FR", "en-GB"):
        context = browser.new_context(locale=language, timezone_id="Europe/Paris", viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            # The browser's language picks the site's (LocaleMiddleware).
            page.goto(live_server.url + "/")
            assert page.get_attribute("html", "lang") == language[:2]
            if who == "member":
                page.goto(f"{live_server.url}/compte/login/")
                page.fill("input[name=login]", resident.email)
                page.fill("input[name=password]", PASSWORD)
                page.locator("main form button[type=submit]").first.click()
                page.wait_for_url(live_server.url + "/")
            # On the phone, each page is checked as the crawl finds it; then on the desktop.
            pages = crawl(
                page,
                live_server.url,
                check=lambda path, page=page: check_page(
                    page, live_server.url + path, "phone", assert_accessible, loaded=True
                ),
            )
            assert len(pages) >= 10, pages
            assert any(p.startswith("/agenda/") and p.count("/") == 3 for p in pages), pages
            page.set_viewport_size(DESKTOP)
            for path in pages:
                check_page(page, live_server.url + path, "desktop", assert_accessible)
        finally:
            context.close()


def test_the_phone_menu_folds_and_opens_without_javascript(live_server, browser, oise):
    context = browser.new_context(
        locale="fr-FR", viewport=PHONE, java_script_enabled=False, timezone_id="Europe/Paris"
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/agenda/")
        main_menu = page.locator("header nav.main-menu")
        expect(main_menu).to_be_hidden()  # the menu starts folded on the phone
        page.locator("header summary.menu-toggle").click()
        expect(main_menu.get_by_role("link", name="Groupes")).to_be_visible()
        main_menu.get_by_role("link", name="Groupes").click()
        page.wait_for_url(live_server.url + "/groupes/")
    finally:
        context.close()


def test_the_first_event_of_the_agenda_is_within_the_first_phone_screen(live_server, page, content):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/agenda/")
    first = page.locator(".agenda-list .card").first
    box = first.bounding_box()
    assert box is not None and box["y"] + 60 <= PHONE["height"], box
    expect(page.locator(".agenda-filters")).to_be_hidden()  # filters are folded
