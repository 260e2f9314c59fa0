import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_has_no_accessibility_violation_and_no_csp_error(
    live_server, page, assert_accessible, oise
):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#contenu", "the first Tab stop is the skip link"
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
