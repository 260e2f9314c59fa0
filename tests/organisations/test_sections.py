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
