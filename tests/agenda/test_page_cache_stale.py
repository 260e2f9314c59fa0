"""A visitor's page retired by a write is served for ``PARVIS_PAGE_CACHE_STALE_SECONDS`` after
it was rendered, then rendered anew once a visitor got it (``core.pagecache``): a page written
to several times a second renders once per that many seconds, and no visitor waits for it.
What moderation hides disappears at once all the same; members never get a visitor's page."""

import logging
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from parvis.core.pagecache import STATUS_HEADER

from ..moderation.helpers import hide
from .test_page_cache_renewal import renewing_key, visit

pytestmark = pytest.mark.django_db

#: Long enough for a render, a write and a request on a slow machine.
STALE = 2.0


@pytest.fixture
def stale(settings):
    settings.PARVIS_PAGE_CACHE_STALE_SECONDS = STALE


def test_a_visitor_gets_the_page_rendered_before_a_write_then_it_is_rendered_anew(
    make_event, stale
):
    event = make_event(title="Kermesse")
    url = event.get_absolute_url()
    assert visit(url)[0] == "miss"
    event.title = "Kermesse de l'école"
    event.save()
    # Younger than the stale seconds: served as it was, and not rendered.
    status, page = visit(url)
    assert status == "stale"
    assert "Kermesse de l" not in page and "Kermesse" in page
    assert cache.get(renewing_key(url)) is None
    time.sleep(STALE)
    # Older: this visitor gets it as it was too, and it is rendered anew once they have it.
    status, page = visit(url)
    assert status == "stale"
    assert "Kermesse de l" not in page
    status, page = visit(url)
    assert status == "hit"
    assert "Kermesse de l" in page
    assert cache.get(renewing_key(url)) is None  # released once stored


def test_a_page_written_to_many_times_renders_once_per_stale_period(make_event, stale):
    event = make_event(title="Kermesse")
    url = event.get_absolute_url()
    visit(url)
    time.sleep(STALE)
    for number in range(5):
        event.title = f"Kermesse numéro {number}"
        event.save()
        status, _page = visit(url)
        assert status == "stale"
    # Rendered anew once, after the first write's visit; the writes after it came within the
    # stale seconds of that render, so their visits got it as it was.
    status, page = visit(url)
    assert status == "stale"
    assert "Kermesse numéro 0" in page
    time.sleep(STALE)
    visit(url)  # stale, and rendered anew after the response
    status, page = visit(url)
    assert status == "hit"
    assert "Kermesse numéro 4" in page


def test_what_moderation_hides_disappears_at_once(make_event, moderator, stale):
    event = make_event(title="Vente de faux billets")
    url = event.get_absolute_url()
    agenda = "/agenda/"
    assert "Vente de faux billets" in visit(agenda)[1]
    visit(url)
    hide(event, moderator)
    status, page = visit(agenda)
    assert status == "miss"
    assert "Vente de faux billets" not in page
    response = Client().get(url)
    assert response.status_code == 404 or "Vente de faux billets" not in response.content.decode()


def test_after_moderation_one_request_renders_and_the_others_get_the_page_meanwhile(
    make_event, moderator, stale
):
    """However young the page: the first request after the hiding renders it at once; the
    visitors who come during that render get the stored page rather than all rendering."""
    event = make_event(title="Vente de faux billets")
    visit("/agenda/")
    hide(event, moderator)
    assert cache.add(renewing_key("/agenda/"), 1, 5)  # another request is rendering it
    assert visit("/agenda/")[0] == "stale"
    cache.delete(renewing_key("/agenda/"))
    status, page = visit("/agenda/")
    assert status == "miss"
    assert "Vente de faux billets" not in page


def test_a_member_sees_the_write_at_once(make_event, association_manager, stale):
    event = make_event(title="Kermesse")
    url = event.get_absolute_url()
    visit(url)
    event.title = "Kermesse de l'école"
    event.save()
    assert visit(url)[0] == "stale"
    member = Client()
    member.force_login(association_manager)
    response = member.get(url)
    assert "Kermesse de l" in response.content.decode()


def test_a_failed_renewal_is_logged_and_lets_the_next_request_renew(make_event, stale, caplog):
    event = make_event(title="Kermesse")
    url = event.get_absolute_url()
    visit(url)
    event.title = "Kermesse de l'école"
    event.save()
    time.sleep(STALE)

    # The database refuses the renewal's reads (a failover, say): the visitor already has
    # their page, the failure is logged, and the mark is released.
    def refuse(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            raise OperationalError("the database is away")
        return execute(sql, params, many, context)

    with (
        caplog.at_level(logging.ERROR, logger="parvis.core.pagecache"),
        connection.execute_wrapper(refuse),
    ):
        status, page = visit(url)
    assert status == "stale"
    assert "Kermesse" in page
    assert "not rendered anew" in caplog.text
    assert cache.get(renewing_key(url)) is None
    # The next visitor gets it as it was too, and this time it is rendered anew.
    assert visit(url)[0] == "stale"
    status, page = visit(url)
    assert status == "hit"
    assert "Kermesse de l" in page


def test_an_api_answer_rendered_anew_counts_once_against_the_rate_limit(
    make_event, stale, monkeypatch
):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"}
    )
    event = make_event(title="Kermesse")
    api = APIClient()
    assert api.get("/api/evenements/").status_code == 200  # 1: rendered
    event.title = "Kermesse de l'école"
    event.save()
    time.sleep(STALE)
    second = api.get("/api/evenements/")  # 2: stale, rendered anew after the response
    assert (second.status_code, second[STATUS_HEADER]) == (200, "stale")
    third = api.get("/api/evenements/")  # 3: the renewed answer
    assert (third.status_code, third[STATUS_HEADER]) == (200, "hit")
    assert "Kermesse de l" in third.content.decode()
    assert api.get("/api/evenements/").status_code == 429  # 4: over the limit
