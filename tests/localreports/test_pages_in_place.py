"""The local reports' other pages in place for members (htmx); the page without it."""

import pytest

from ..in_place import next_page_in_place

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
