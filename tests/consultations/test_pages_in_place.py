"""The consultations' other pages in place for members (htmx); the page without it."""

import pytest

from ..in_place import next_page_in_place

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
