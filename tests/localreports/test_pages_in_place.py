"""The local reports' other pages in place for members (htmx); the page without it."""

import pytest
from django.test import Client

from parvis.localreports.models import ReportStatus

from ..in_place import found_in_place, next_page_in_place

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_next_page_of_reports_in_place(login, resident, make_report, monkeypatch):
    monkeypatch.setattr("parvis.localreports.views.PAGE_SIZE", 1)
    make_report(address="12 rue de la République")
    make_report(address="3 place Jeanne-Hachette")
    html = next_page_in_place(login(resident), "/signalements/", "report-results")
    assert html.count('class="card"') == 1 and "12 rue de la République" in html


def test_the_queue_page_in_place(login, make_report, town_hall, town_agent, monkeypatch):
    monkeypatch.setattr("parvis.localreports.views.QUEUE_PAGE_SIZE", 1)
    make_report(institution=town_hall, address="12 rue de la République")
    make_report(institution=town_hall, address="3 place Jeanne-Hachette")
    html = next_page_in_place(
        login(town_agent), "/signalements/a-traiter/", "queue-results", public=False
    )
    assert html.count("<tr><td>") == 1


def test_a_member_changes_the_reports_status_tab_and_filters_in_place(
    login, resident, make_report, categories, oise
):
    make_report(address="12 rue de la République")
    make_report(
        description="Lampadaire éteint place Jeanne-Hachette.", status=ReportStatus.RESOLVED
    )
    make_report(
        description="Chaussée effondrée rue Solférino.",
        commune=oise["compiegne"],
        category=categories["roads"],
    )
    visitor = Client().get("/signalements/").content.decode()
    assert 'id="report-status-resolus"' in visitor and "hx-get" not in visitor
    member = login(resident)
    html = found_in_place(
        member, "/signalements/?statut=resolus", "report-found", "report-status-resolus", "1 report"
    )
    assert "place Jeanne-Hachette" in html and "nid-de-poule" not in html
    assert 'hx-push-url="true" aria-current="page">Resolved</a>' in html
    html = found_in_place(
        member, "/signalements/?commune=60159", "report-found", "report-filters", "1 report"
    )
    assert '<h2 id="results-title">Reports in Compiègne</h2>' in html
    assert "rue Solférino" in html and "nid-de-poule" not in html
    assert 'href="/signalements/?statut=ouverts&amp;commune=60159"' in html  # tabs keep it
    # An unknown commune: the note shows in the block and is announced, not kept for later.
    html = found_in_place(
        member, "/signalements/?commune=99999", "report-found", "report-filters", "3 reports"
    )
    assert "Unknown commune: all the reports are listed." in html.split('id="live-status"')[0]
    assert "Unknown commune" in html.split('id="live-status"')[1]
    assert "Unknown commune" not in member.get("/signalements/").content.decode()


def test_a_members_list_without_points_still_loads_the_map_script(
    login, resident, make_report, settings
):
    """A filter or a tab may bring reports with a point in place: the map's script is there."""
    settings.PARVIS_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    make_report()  # no point on a map
    assert "parvis/map.js" in login(resident).get("/signalements/").content.decode()
    assert "parvis/map.js" not in Client().get("/signalements/").content.decode()
