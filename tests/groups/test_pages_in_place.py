"""The groups list's other pages in place for members (htmx); the page without it."""

import pytest

from .conftest import create_group

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_member_gets_the_next_page_of_groups_in_place(
    client, login, owner, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("parvis.groups.views.browse.GROUPS_PER_PAGE", 1)
    create_group(owner, name="Atelier vélo")
    create_group(owner, name="Jardin partagé")
    visitor = client.get("/groupes/?page=2", **HTMX).content.decode()
    assert "<main" in visitor and "hx-get" not in visitor
    member = login(owner)
    page = member.get("/groupes/").content.decode()
    assert 'id="page-next" hx-get="?page=2" hx-target="#group-results"' in page
    with django_assert_max_num_queries(20):
        swapped = member.get("/groupes/?page=2", **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith('<section aria-labelledby="results-title" id="group-results"')
    assert 'tabindex="-1" autofocus' in html and "Page 2 of 2" in html
    assert html.count('class="group-card"') == 1 and 'id="live-status"' in html
    assert "<main" in member.get("/groupes/?page=2").content.decode()


def test_a_member_filters_the_groups_in_place(client, login, owner, django_assert_max_num_queries):
    create_group(owner, name="Atelier vélo", description="Réparer son vélo ensemble.")
    create_group(owner, name="Jardin partagé", description="Des légumes au pied des immeubles.")
    assert "hx-get" not in client.get("/groupes/").content.decode()
    member = login(owner)
    page = member.get("/groupes/").content.decode()
    assert 'id="group-filters"' in page and 'hx-target="#group-results"' in page
    with django_assert_max_num_queries(20):
        swapped = member.get("/groupes/?q=l%C3%A9gumes", HTTP_HX_TRIGGER="group-filters", **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert "Jardin partagé" in html and "Atelier vélo" not in html
    assert "autofocus" not in html
    assert "1 group" in html.split('id="live-status"')[1]
    # The link clearing the filters comes and goes with them (it is in the swapped block).
    assert '<a href="/groupes/">Clear the filters</a>' in html
    assert "Clear the filters" not in page
