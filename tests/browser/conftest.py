"""A real browser for the key journeys: Playwright driving Debian's Chromium (headless).

Each page a journey visits is checked by axe-core for WCAG 2.1 A/AA violations.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; the Django ORM calls that the tests
# make between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        options = {"headless": True, "args": CHROMIUM_ARGS}
        if DEBIAN_CHROMIUM.exists():
            options["executable_path"] = str(DEBIAN_CHROMIUM)
        browser = playwright.chromium.launch(**options)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.csp_errors = errors
    yield page
    context.close()


@pytest.fixture
def assert_accessible():
    """Run axe-core on the current page; fail with the list of WCAG 2.1 A/AA violations."""
    axe = Axe()

    def run(page):
        page.wait_for_load_state("load")
        return axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})

    def check(page):
        try:
            results = run(page)
        except PlaywrightError:
            # A click's navigation replaced the document while axe was reading it (axe then
            # finds no document): check the page the browser settled on.
            results = run(page)
        violations = results.response["violations"]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in violations
        )
        assert not violations, f"axe-core violations on {page.url}:\n{details}"

    return check


@pytest.fixture(autouse=True)
def _site_url_of_the_live_server(request, settings):
    """Absolute addresses are built from PARVIS_SITE_URL (core.siteurl): the live server's."""
    if "live_server" in request.fixturenames:
        settings.PARVIS_SITE_URL = request.getfixturevalue("live_server").url
