"""What an RSVP, a new event and a renamed category retire among the agenda's cached lists
(``core.pagecache``): the lists that show them, not every list."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parvis.agenda.models import Category

pytestmark = pytest.mark.django_db


def get(url):
    """A visitor's response for ``url`` and its query count (0: served from the cache)."""
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return len(captured), content.decode()


def test_an_rsvp_retires_the_api_lists_showing_its_event_only(
    make_event, beauvais, compiegne, other_resident
):
    from parvis.agenda.services import rsvp_create

    event = make_event(title="Vide-grenier", commune=beauvais)
    make_event(title="Concert d'orgue", commune=compiegne)
    listing = f"/api/evenements/?commune={beauvais.code}"
    elsewhere = f"/api/evenements/?commune={compiegne.code}"
    for url in (listing, elsewhere, "/api/evenements/"):
        get(url)
    rsvp_create(occurrence=event.occurrences.get(), user=other_resident)
    count, content = get(listing)
    assert count > 0 and '"participants":1' in content.replace(" ", "")
    assert get("/api/evenements/")[0] > 0
    assert get(elsewhere)[0] == 0


def test_an_event_published_in_another_category_keeps_a_category_s_lists(make_event):
    sport = Category.objects.get(slug="sport")
    make_event(title="Concert de printemps")  # culture
    pages = ["/agenda/?category=sport", "/api/evenements/?category=sport"]
    for url in pages:
        get(url)
    make_event(title="Exposition de peinture")  # culture again
    for url in pages:
        assert get(url)[0] == 0, url
    make_event(title="Tournoi de pétanque", category=sport)
    for url in pages:
        count, content = get(url)
        assert count > 0 and "Tournoi de pétanque" in content, url


def test_a_renamed_category_shows_at_once_in_the_agenda_s_filter(make_event):
    make_event(title="Concert de printemps")
    assert "Culture" in get("/agenda/")[1]
    Category.objects.filter(slug="culture").update(name="Arts et spectacles")
    count, content = get("/agenda/")
    assert count > 0
    assert '<option value="culture">Arts et spectacles</option>' in content
