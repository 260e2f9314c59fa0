"""Time passing and the page cache (``core.pagecache``): a page is kept up to
``PARVIS_PAGE_CACHE_SECONDS`` but never served past the moment what it shows changes by itself
(a date it shows starts or ends, midnight)."""

import datetime as dt
import time
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from parvis.core.pagecache import STATUS_HEADER
from parvis.core.pagecache.schedule import next_midnight

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def visit(url):
    response = Client().get(url)
    assert response.status_code == 200
    return response[STATUS_HEADER], response.content.decode()


def test_a_date_that_ends_is_not_served_after_its_end(make_event, settings):
    settings.PARVIS_PAGE_CACHE_SECONDS = 3600
    now = timezone.now()
    # Under way since today (the agenda lists today's dates from midnight, local time).
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    event = make_event(
        title="Brocante du matin",
        start=max(now - dt.timedelta(hours=1), midnight + dt.timedelta(seconds=1)),
        end=now + dt.timedelta(seconds=10),
    )
    for url in ("/agenda/", event.get_absolute_url()):
        assert visit(url)[0] == "miss"
        status, page = visit(url)
        assert status == "hit"
        assert "Brocante du matin" in page
    time.sleep(max(0, (event.end - timezone.now()).total_seconds()) + 0.2)
    status, page = visit("/agenda/")
    assert status == "miss"  # the hour's page time did not keep it
    assert "Brocante du matin" not in page  # over: no longer among the dates to come
    assert visit(event.get_absolute_url())[0] == "miss"


def test_a_date_that_starts_renews_the_pages_showing_it(make_event, settings):
    settings.PARVIS_PAGE_CACHE_SECONDS = 3600
    now = timezone.now()
    event = make_event(
        title="Loto", start=now + dt.timedelta(seconds=10), end=now + dt.timedelta(hours=2)
    )
    visit("/agenda/")
    assert visit("/agenda/")[0] == "hit"
    time.sleep(max(0, (event.start - timezone.now()).total_seconds()) + 0.2)
    assert visit("/agenda/")[0] == "miss"
    assert visit("/agenda/")[0] == "hit"  # stored again, until the date ends


def test_dates_past_or_far_away_keep_the_page(make_event, settings):
    settings.PARVIS_PAGE_CACHE_SECONDS = 3600
    now = timezone.now()
    make_event(
        title="Passé", start=now - dt.timedelta(days=3), end=now - dt.timedelta(days=3, hours=-2)
    )
    make_event(title="Plus tard")  # in ten days
    month = timezone.localdate() - dt.timedelta(days=3)
    url = f"/agenda/mois/{month:%Y-%m}/"
    visit(url)
    time.sleep(1.1)
    assert visit(url)[0] == "hit"


def test_the_next_midnight_is_local_and_follows_summer_time(settings):
    settings.TIME_ZONE = "Europe/Paris"
    timezone.activate(PARIS)
    try:
        evening = dt.datetime(2026, 3, 28, 23, 59, 30, tzinfo=PARIS).timestamp()
        assert next_midnight(evening) - evening == 30
        # The day of the change to summer time is 23 hours long.
        first_second = dt.datetime(2026, 3, 29, 0, 0, 1, tzinfo=PARIS).timestamp()
        assert next_midnight(first_second) == dt.datetime(2026, 3, 30, tzinfo=PARIS).timestamp()
        assert next_midnight(first_second) - first_second == 23 * 3600 - 1
    finally:
        timezone.deactivate()
