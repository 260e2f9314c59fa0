"""The agenda's view tabs, period chips and list pages swap ``#agenda-found`` for members
(htmx); without htmx, and for visitors, the page."""

import pytest
from django.test import Client

from .test_filters import events  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_member_switches_view_and_period_in_place(events, login, resident):  # noqa: F811
    member = login(resident)
    page = member.get("/agenda/").content.decode()
    assert 'id="agenda-view-month"' in page and 'id="agenda-period-1"' in page
    assert page.count('hx-target="#agenda-found"') >= 9  # four tabs, four chips, the form
    month_path = member.get("/agenda/mois/").url.split("?")[0]
    swapped = member.get(month_path, HTTP_HX_TRIGGER="agenda-view-month", **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith("<title>") and '<div id="agenda-found">' in html
    assert 'id="agenda-view-month" href=' in html and 'class="agenda-month"' in html
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    # Back to the list, through a tab or a period chip: the list's heading comes with it.
    listed = member.get("/agenda/", HTTP_HX_TRIGGER="agenda-view-list", **HTMX).content.decode()
    assert listed.startswith("<title>Agenda — ") and "<h1>Agenda</h1>" in listed
    assert "<main" not in listed and "dates" in listed.split('id="live-status"')[1]
    assert '<details class="filter-panel">' in listed  # folded: the filters were not used
    # From the month, the list tab and the period chips (which show the list) load the list's
    # page: its map and "Around me" come with their scripts; the other views' tabs swap.
    month = member.get(month_path).content.decode()
    tabs = month.split('id="agenda-view-list"')[1].split("</ul>")[0]
    assert "hx-get" not in tabs.split('id="agenda-view-month"')[0]
    assert 'id="agenda-view-week"' in tabs and "hx-get" in tabs.split('id="agenda-view-week"')[1]
    assert "hx-get" not in month.split('id="agenda-period-1"')[1].split("</a>")[0]
    # Without JavaScript the same addresses are whole pages; visitors never get a part.
    assert "<main" in member.get(month_path).content.decode()
    text = Client().get("/agenda/", **HTMX).content.decode()
    assert "<main" in text and "hx-get" not in text


def test_a_member_gets_the_next_page_of_dates_in_place(events, login, resident, monkeypatch):  # noqa: F811
    monkeypatch.setattr("parvis.agenda.views.PAGE_SIZE", 1)
    member = login(resident)
    page = member.get("/agenda/").content.decode()
    assert 'id="page-next" hx-get="?page=2" hx-target="#agenda-found"' in page
    swapped = member.get("/agenda/?page=2", HTTP_HX_TRIGGER="page-next", **HTMX)
    html = swapped.content.decode()
    assert "<main" not in html and '<div id="agenda-found">' in html
    assert '<section aria-labelledby="results-title" tabindex="-1" autofocus>' in html
    assert "Page 2 " in html.split('id="live-status"')[1]
    assert "<main" in member.get("/agenda/?page=2").content.decode()


def test_a_members_list_without_points_still_loads_the_map(login, resident, settings):
    """A filter may bring events with a point in place: the map's script and stylesheet are
    there for a member even when the first page has no point; a visitor's page stays light."""
    settings.PARVIS_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = login(resident).get("/agenda/").content.decode()
    assert "agenda-map-points" not in page  # nothing to draw yet
    assert "parvis/map.js" in page and "leaflet.css" in page
    visitor = Client().get("/agenda/").content.decode()
    assert "parvis/map.js" not in visitor and "leaflet.css" not in visitor
