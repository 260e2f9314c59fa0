"""The information's other pages in place for members (htmx); the page without it."""

import pytest
from django.test import Client

from ..in_place import next_page_in_place

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_member_gets_the_next_page_of_information_in_place(
    client, login, resident, make_post, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("parvis.news.views.PAGE_SIZE", 1)
    make_post(title="Travaux rue de Paris")
    make_post(title="Collecte des encombrants")
    visitor = client.get("/actualites/?page=2", **HTMX).content.decode()
    assert "<main" in visitor and "hx-get" not in visitor
    member = login(resident)
    page = member.get("/actualites/").content.decode()
    assert 'id="page-next" hx-get="?page=2" hx-target="#news-results"' in page
    with django_assert_max_num_queries(25):
        swapped = member.get("/actualites/?page=2", **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith('<section aria-labelledby="posts-title" id="news-results"')
    assert 'tabindex="-1" autofocus' in html and 'id="live-status"' in html
    assert html.count('class="news-post') == 1
    assert "<main" in member.get("/actualites/?page=2").content.decode()


def test_a_member_changes_the_informations_filters_in_place(
    client, login, resident, make_post, django_assert_max_num_queries
):
    """A filter changes the page's subject: the heading, follow control, filters and results
    swap together (``#news-found``), with the tab's title; the new heading is announced and
    the focus stays on the field used (no ``autofocus``)."""
    make_post(title="Travaux rue de Paris")
    visitor = client.get("/actualites/").content.decode()
    assert 'id="news-filters"' in visitor and "hx-get" not in visitor
    member = login(resident)
    page = member.get("/actualites/").content.decode()
    assert 'id="news-filters"' in page and 'hx-target="#news-found"' in page
    assert 'hx-trigger="change, submit"' in page and 'hx-push-url="true"' in page
    with django_assert_max_num_queries(25):
        swapped = member.get("/actualites/?commune=60159", HTTP_HX_TRIGGER="news-filters", **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith("<title>Information for Compiègne — ")
    assert '<div id="news-found">' in html and "<h1>Information for Compiègne</h1>" in html
    assert 'id="follow-territoire-' in html and "Travaux rue de Paris" in html
    assert "RSS feed for Compiègne" in html  # the subscription links follow the commune
    assert "autofocus" not in html
    assert "Information for Compiègne" in html.split('id="live-status"')[1]
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    # Without JavaScript the same address is the whole page, and a visitor never gets a part.
    plain = member.get("/actualites/?commune=60159").content.decode()
    assert "<main" in plain and "<h1>Information for Compiègne</h1>" in plain
    text = Client().get("/actualites/?commune=60159", **HTMX).content.decode()
    assert "<main" in text and "hx-get" not in text


def test_the_member_posts_page_in_place(login, agent, make_post, monkeypatch):
    monkeypatch.setattr("parvis.news.views.PAGE_SIZE", 1)
    make_post(title="Travaux rue de Paris")
    make_post(title="Collecte des encombrants")
    html = next_page_in_place(
        login(agent), "/actualites/mes-publications/", "my-posts-results", public=False
    )
    assert html.count("<tr>") == 2  # the header row and one post
