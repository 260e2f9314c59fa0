"""The consultations' other pages in place for members (htmx); the page without it."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ..in_place import found_in_place, next_page_in_place

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_next_page_of_consultations_in_place(
    login, resident, make_consultation, monkeypatch
):
    monkeypatch.setattr("parvis.consultations.views.PAGE_SIZE", 1)
    make_consultation(title="Plan vélo de l'agglomération")
    make_consultation(title="Horaires de la médiathèque")
    html = next_page_in_place(login(resident), "/consultations/", "consultation-results")
    assert html.count('class="card"') == 1


def test_the_institutions_consultations_page_in_place(login, agent, make_consultation, monkeypatch):
    monkeypatch.setattr("parvis.consultations.views.PAGE_SIZE", 1)
    make_consultation(title="Plan vélo de l'agglomération")
    make_consultation(title="Horaires de la médiathèque")
    html = next_page_in_place(
        login(agent), "/consultations/mes-consultations/", "managed-results", public=False
    )
    assert html.count('class="card"') == 1


def test_a_member_changes_the_consultations_tab_in_place(login, resident, make_consultation):
    now = timezone.now()
    make_consultation(title="Plan vélo de l'agglomération")
    make_consultation(
        title="Horaires de la médiathèque",
        opens_at=now - dt.timedelta(days=9),
        closes_at=now - dt.timedelta(days=2),
    )
    visitor = Client().get("/consultations/").content.decode()
    assert 'id="consultation-state-terminees"' in visitor and "hx-get" not in visitor
    html = found_in_place(
        login(resident),
        "/consultations/?etat=terminees",
        "consultation-found",
        "consultation-state-terminees",
        "1 consultation",
    )
    assert "Horaires de la médiathèque" in html and "Plan vélo" not in html
    assert '<h2 id="results-title">Closed consultations</h2>' in html
    assert 'hx-push-url="true" aria-current="page">Closed</a>' in html
