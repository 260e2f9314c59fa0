"""The information's other pages in place for members (htmx); the page without it."""

import pytest

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
