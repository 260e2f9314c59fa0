"""The directory's other pages in place for members (htmx): the results block alone, the
section focused and "Page 2 of 2" announced; without htmx, and for visitors, the page."""

import pytest

from ..factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_member_gets_the_next_page_of_the_directory_in_place(
    client, login, resident, oise, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("parvis.directory.views.PAGE_SIZE", 1)
    for name in ("Amis de Beauvais", "Boules de Margny"):
        OrganisationFactory(name=name, commune=oise["beauvais"])
    visitor = client.get("/annuaire/?page=2", **HTMX).content.decode()
    assert "<main" in visitor and "hx-get" not in visitor
    member = login(resident)
    page = member.get("/annuaire/").content.decode()
    assert 'id="page-next" hx-get="?page=2" hx-target="#directory-results"' in page
    with django_assert_max_num_queries(20):
        swapped = member.get("/annuaire/?page=2", **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith('<section aria-labelledby="results-title" id="directory-results"')
    assert 'tabindex="-1" autofocus' in html and "Page 2 of 2" in html
    assert 'id="page-previous"' in html and 'id="live-status"' in html
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    assert "<main" in member.get("/annuaire/?page=2").content.decode()


def test_a_member_filters_the_directory_in_place(
    client, login, resident, oise, django_assert_max_num_queries
):
    for name in ("Amis de Beauvais", "Boules de Margny"):
        OrganisationFactory(name=name, commune=oise["beauvais"])
    visitor_page = client.get("/annuaire/").content.decode()
    assert 'id="directory-filters"' in visitor_page and "hx-get" not in visitor_page
    member = login(resident)
    page = member.get("/annuaire/").content.decode()
    assert 'id="directory-filters"' in page and 'hx-target="#directory-results"' in page
    with django_assert_max_num_queries(20):
        swapped = member.get(
            "/annuaire/?type=associations&q=boules",
            HTTP_HX_TRIGGER="directory-filters",
            **HTMX,
        )
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert "Boules de Margny" in html and "Amis de Beauvais" not in html
    # The focus stays in the form (no autofocus on the block); the count is announced.
    assert "autofocus" not in html
    assert '<div id="live-status"' in html and "1 result" in html.split('id="live-status"')[1]
    # Without JavaScript the same address is the whole page.
    plain = member.get("/annuaire/?type=associations&q=boules").content.decode()
    assert "<main" in plain and "Boules de Margny" in plain
