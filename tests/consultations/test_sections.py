"""The consultations' sections of the territory pages and of the officials' pages."""

import pytest

from parvis.consultations.models import ConsultationStatus
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_commune_page_lists_the_open_consultations_its_residents_may_answer(
    client, make_consultation, oise
):
    make_consultation(title="Pour l'ARC", audience=[oise["epcis"][1]])
    make_consultation(title="Pour le Beauvaisis", audience=[oise["epcis"][0]])
    make_consultation(title="Brouillon", status=ConsultationStatus.DRAFT)

    page = client.get(oise["margny"].get_absolute_url()).content.decode()
    assert "Open consultations" in page
    assert "Pour l&#x27;ARC" in page
    assert "Pour le Beauvaisis" not in page and "Brouillon" not in page
    assert "/consultations/?etat=ouvertes&amp;commune=60382" in page

    page = client.get(oise["beauvais"].get_absolute_url()).content.decode()
    assert "Pour le Beauvaisis" in page and "Pour l&#x27;ARC" not in page


def test_epci_page_lists_the_consultations_aimed_at_it_or_its_communes(
    client, make_consultation, oise
):
    make_consultation(title="Pour Margny", audience=[oise["margny"]])
    make_consultation(title="Pour Beauvais", audience=[oise["beauvais"]])
    make_consultation(title="Pour tous")
    page = client.get(oise["epcis"][1].get_absolute_url()).content.decode()
    assert "Pour Margny" in page and "Pour tous" in page
    assert "Pour Beauvais" not in page


def test_official_page_shows_their_institution_consultations(
    login, make_consultation, institution, official, resident
):
    MembershipFactory(organisation=institution, user=official)
    make_consultation(title="Plan vélo")
    page = login(resident).get(f"/elus/{official.pk}/").content.decode()
    assert "Consultations of their institution" in page
    assert "Plan vélo" in page


def test_official_without_institution_has_no_consultations_section(login, official, resident):
    response = login(resident).get(f"/elus/{official.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Consultations of their institution" not in page
