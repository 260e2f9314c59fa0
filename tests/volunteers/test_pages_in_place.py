"""The calls for volunteers' other pages in place for members (htmx); the page without it."""

import pytest
from django.test import Client

from parvis.volunteers.models import Call, Slot

from ..in_place import found_in_place, next_page_in_place
from .conftest import tomorrow_at

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_next_page_of_calls_in_place(login, resident, call, monkeypatch):
    monkeypatch.setattr("parvis.volunteers.views.PAGE_SIZE", 1)
    other = Call.objects.create(
        title="Bénévoles pour le nettoyage des berges",
        description="Ramasser les déchets le long du Thérain.",
        commune=call.commune,
        organisation=call.organisation,
        created_by=call.created_by,
    )
    Slot.objects.create(call=other, label="Matin", starts_at=tomorrow_at(9), places=5)
    html = next_page_in_place(login(resident), "/benevolat/", "call-results")
    assert html.count('class="card"') == 1


def test_a_member_changes_the_calls_filters_in_place(login, resident, call, skills, compiegne):
    call.skills.add(skills[0])
    other = Call.objects.create(
        title="Chauffeurs pour la banque alimentaire",
        description="Conduire la camionnette entre les points de collecte.",
        commune=compiegne,
        organisation=call.organisation,
        created_by=call.created_by,
    )
    other.skills.add(skills[1])
    Slot.objects.create(call=other, label="Tournée", starts_at=tomorrow_at(9), places=3)
    visitor = Client().get("/benevolat/").content.decode()
    assert 'id="call-filters"' in visitor and "hx-get" not in visitor
    member = login(resident)
    html = found_in_place(
        member, "/benevolat/?competence=conduite", "call-found", "call-filters", "1 call"
    )
    assert "banque alimentaire" in html and "fête des associations" not in html
    assert '<details class="filters" open>' in html  # the panel stays open
    html = found_in_place(
        member, "/benevolat/?commune=60159", "call-found", "call-filters", "1 call"
    )
    assert '<h2 id="results-title">Open calls in Compiègne</h2>' in html
    assert 'value="60159"' in html and "banque alimentaire" in html
