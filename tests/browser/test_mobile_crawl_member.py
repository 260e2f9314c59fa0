"""The member's crawl of ``test_mobile_crawl.py``: every page a member reaches from the
navigation, on a phone and a desktop, in French and in English."""

import pytest

from .test_mobile_crawl import content, crawl_and_check  # noqa: F401 - ``content``: a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_a_member_reaches_from_the_menu_fits_phone_and_desktop_and_is_accessible(
    live_server,
    browser,
    assert_accessible,
    content,  # noqa: F811 - the fixture imported above
    resident,
):
    crawl_and_check(live_server, browser, assert_accessible, resident, "member")
