"""The organisations' other pages in place for members (htmx); the page without it."""

import pytest

from ..factories import OrganisationFactory
from ..in_place import next_page_in_place

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_next_page_of_organisations_in_place(login, resident, oise, monkeypatch):
    monkeypatch.setattr("parvis.organisations.views.PAGE_SIZE", 1)
    for name in ("Amis de Beauvais", "Boules de Margny"):
        OrganisationFactory(name=name, commune=oise["beauvais"])
    html = next_page_in_place(login(resident), "/organisations/", "organisation-results")
    assert html.count('class="card"') == 1
