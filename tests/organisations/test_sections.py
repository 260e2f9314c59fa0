"""An organisation's page shows what it does: its upcoming events and its news (sections the
agenda and news apps register), its team with avatars and its description in Markdown."""

import pytest

from parvis.organisations import services  # noqa: F401  (the app loads its sections)

from ..agenda.conftest import create_event

pytestmark = pytest.mark.django_db


def test_organisation_page_lists_its_upcoming_events_and_renders_markdown(
    client, association, association_manager, oise, django_assert_max_num_queries
):
    association.description = "Nous **aidons** nos voisins."
    association.save(update_fields=["description"])
    create_event(
        created_by=association_manager,
        commune=oise["beauvais"],
        organisation=association,
        title="Repair café de printemps",
    )
    with django_assert_max_num_queries(20):
        text = client.get(association.get_absolute_url()).content.decode()
    assert "Upcoming events" in text
    assert "Repair café de printemps" in text
    assert "<strong>aidons</strong>" in text
    assert f"organiser={association.slug}" in text
    assert "Follow this organisation" in text


def test_commune_page_lists_its_associations_then_those_nearby(client, oise, association):
    """Beauvais's page: its own associations first, then those of its intercommunality."""
    from parvis.organisations.models import Organisation

    from ..factories import OrganisationFactory

    beauvais = oise["beauvais"]
    neighbour = type(beauvais).objects.create(
        kind="commune",
        code="60009",
        name="Allonne",
        slug="60009-allonne",
        epci_id=beauvais.epci_id,
        departement_id=beauvais.departement_id,
    )
    OrganisationFactory(name="Aaa voisins solidaires", slug="aaa-voisins", commune=neighbour)
    assert Organisation.objects.filter(commune=beauvais).exists()
    text = client.get(beauvais.get_absolute_url()).content.decode()
    assert "Les Amis du Beauvaisis" in text
    assert "Aaa voisins solidaires" in text
    assert text.index("Les Amis du Beauvaisis") < text.index("Aaa voisins solidaires")
    assert "Nearby" in text
