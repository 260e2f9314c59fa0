"""Cards (``core.pagecache.cards``, ``{% cards %}``): an item's card in a list is rendered once
for everyone who sees the item in the same state, kept under what the card can read of it."""

import enum
import re

import pytest
from django.test import Client
from django.test.signals import template_rendered
from django.utils.translation import gettext_lazy
from rest_framework.test import APIClient

from parvis.agenda.models import Event, EventOccurrence
from parvis.agenda.selectors import public_occurrences
from parvis.agenda.services import rsvp_create
from parvis.core import pagecache
from parvis.core.pagecache.cards import Unshareable, cards, content_of
from parvis.groups import services as group_services

from ..agenda.conftest import create_event
from ..groups.conftest import add_member, create_group

pytestmark = pytest.mark.django_db

CARD = "agenda/_occurrence.html"


@pytest.fixture
def renders():
    """The names of the templates rendered while the test runs (Django's test signal)."""
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


@pytest.fixture
def event(oise, official):
    return create_event(created_by=official, commune=oise["beauvais"], title="Bal masqué")


def occurrences():
    """The dates as the agenda's lists load them (the event and what its card shows)."""
    return list(public_occurrences().order_by("start"))


def test_a_card_is_rendered_once_then_read_from_the_cache(event, renders):
    first = cards(occurrences(), CARD, "occurrence")
    assert "Bal masqué" in first
    assert renders.count(CARD) == 1
    assert cards(occurrences(), CARD, "occurrence") == first
    assert renders.count(CARD) == 1  # not rendered again


def test_an_edited_item_shows_at_once(event, renders):
    cards(occurrences(), CARD, "occurrence")
    Event.objects.filter(pk=event.pk).update(title="Bal costumé")
    html = cards(occurrences(), CARD, "occurrence")
    assert "Bal costumé" in html and "Bal masqué" not in html
    assert renders.count(CARD) == 2


def test_moderation_renders_every_card_again(event, renders):
    cards(occurrences(), CARD, "occurrence")
    pagecache.bump(["moderation.moderationcase"])
    cards(occurrences(), CARD, "occurrence")
    assert renders.count(CARD) == 2


def test_a_card_whose_render_reads_the_database_is_not_kept(event, renders):
    bare = list(EventOccurrence.objects.filter(event=event))  # its event not loaded with it
    for _ in range(2):
        assert "Bal masqué" in cards(bare, CARD, "occurrence")
    assert renders.count(CARD) == 2


def test_a_card_is_rendered_each_time_with_fragments_off(event, renders, settings):
    settings.PARVIS_FRAGMENT_CACHE_SECONDS = 0
    for _ in range(2):
        cards(occurrences(), CARD, "occurrence")
    assert renders.count(CARD) == 2


def test_a_value_whose_content_cannot_be_told_makes_the_card_unshared(event, renders):
    for _ in range(2):
        shown = occurrences()
        shown[0].marker = object()
        assert "Bal masqué" in cards(shown, CARD, "occurrence")
    assert renders.count(CARD) == 2


class Colour(enum.Enum):
    RED = "red"


def test_content_covers_fields_relations_and_attached_values(event):
    occurrence = occurrences()[0]
    before = content_of(occurrence)
    assert content_of(occurrences()[0]) == before  # the same state, the same content
    occurrence.event.title = "Bal costumé"  # the event, loaded with it
    assert content_of(occurrence) != before
    occurrence = occurrences()[0]
    occurrence.event.commune.name = "Beauvais-Centre"  # its commune
    assert content_of(occurrence) != before
    occurrence = occurrences()[0]
    occurrence.distance_km = 2.5  # a value the view attached
    assert content_of(occurrence) != before
    assert content_of([Colour.RED, gettext_lazy("Free"), {"b": 1, "a": 2}]) == (
        "red",
        str(gettext_lazy("Free")),  # in the language shown
        (("a", 2), ("b", 1)),
    )
    with pytest.raises(Unshareable):
        content_of(object())


TOKENS = re.compile(rb'(csrfmiddlewaretoken" value="|nonce="|name="form_token" value=")[^"]*')


@pytest.mark.parametrize("path", ["/agenda/", "/actualites/", "/groupes/", "/"])
def test_pages_are_the_same_with_their_cards_from_the_cache(event, path, settings):
    settings.PARVIS_PAGE_CACHE_SECONDS = 0
    settings.PARVIS_FRAGMENT_CACHE_SECONDS = 0
    rendered = TOKENS.sub(rb"\1", Client().get(path).content)
    settings.PARVIS_FRAGMENT_CACHE_SECONDS = 600
    for _ in range(2):  # the cards rendered and kept, then read
        assert TOKENS.sub(rb"\1", Client().get(path).content) == rendered


@pytest.fixture
def thread(resident, other_resident):
    group = create_group(resident)
    add_member(group, other_resident)
    thread = group_services.thread_create(
        group=group, author=resident, title="Graines à échanger", body="Qui a des tomates ?"
    )
    group_services.message_post(
        thread=thread, author=other_resident, body="Moi, des cœurs de bœuf."
    )
    return thread


def test_a_visitors_discussion_is_the_same_with_its_messages_from_the_cache(
    thread, other_resident, settings, renders
):
    settings.PARVIS_PAGE_CACHE_SECONDS = 0
    path = thread.get_absolute_url()
    settings.PARVIS_FRAGMENT_CACHE_SECONDS = 0
    rendered = TOKENS.sub(rb"\1", Client().get(path).content)
    settings.PARVIS_FRAGMENT_CACHE_SECONDS = 600
    for _ in range(2):
        assert TOKENS.sub(rb"\1", Client().get(path).content) == rendered
    assert renders.count("groups/_message.html") == 2 + 2  # off, then kept: two messages
    # A reply: the page shows it at once, and only the new message is rendered.
    group_services.message_post(thread=thread, author=other_resident, body="Et des courgettes.")
    assert b"Et des courgettes." in Client().get(path).content
    assert renders.count("groups/_message.html") == 2 + 2 + 1


# --- the API's lists (api.serializers.SharedListSerializer) -----------------------------------


@pytest.mark.parametrize(
    "path", ["/api/evenements/", "/api/actualites/", "/api/organisations/", "/api/territoires/"]
)
def test_api_lists_are_the_same_with_their_items_from_the_cache(event, path, settings):
    settings.PARVIS_PAGE_CACHE_SECONDS = 0
    settings.PARVIS_FRAGMENT_CACHE_SECONDS = 0
    expected = APIClient().get(path).json()
    settings.PARVIS_FRAGMENT_CACHE_SECONDS = 600
    for _ in range(2):  # kept, then read
        assert APIClient().get(path).json() == expected


def test_an_api_item_edited_or_joined_shows_at_once(event, resident, settings):
    settings.PARVIS_PAGE_CACHE_SECONDS = 0

    def listed():
        return APIClient().get("/api/evenements/").json()["results"][0]

    assert listed()["title"] == "Bal masqué"
    Event.objects.filter(pk=event.pk).update(title="Bal costumé")
    assert listed()["title"] == "Bal costumé"
    participants = listed()["dates"][0]["participants"]
    rsvp_create(occurrence=event.occurrences.get(), user=resident)
    assert listed()["dates"][0]["participants"] == participants + 1
