"""The calls for volunteers' other pages in place for members (htmx); the page without it."""

import pytest

from parvis.volunteers.models import Call, Slot

from ..in_place import next_page_in_place
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
