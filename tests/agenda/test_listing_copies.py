"""Each date carries a copy of what the agenda's lists filter on (``agenda.models.
LISTING_COPIES``): the copies follow the event through its workflow and edits, and its commune
through a territory import that moves it to another intercommunality, so that the filtered
lists, which read the copies, list what a visitor expects."""

import copy
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from parvis.agenda.models import Category, EventOccurrence, EventStatus
from parvis.agenda.services import (
    event_cancel,
    event_create,
    event_publish,
    event_reject,
    event_update,
)
from parvis.territories.models import Territory, TerritoryKind

from ..factories import UserFactory
from ..territories.test_import import MINIMAL, write_source
from .test_workflow import event_data, in_days

pytestmark = pytest.mark.django_db


def copies(event):
    """The copies on each of ``event``'s dates, as a set (one element when they agree)."""
    return set(
        EventOccurrence.objects.filter(event=event).values_list(
            "listed", "category_id", "commune_id", "epci_id", "arrondissement_id", "is_free"
        )
    )


def expected(event):
    event.refresh_from_db()
    commune = Territory.objects.get(pk=event.commune_id)
    return {
        (
            event.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED),
            event.category_id,
            commune.pk,
            commune.epci_id,
            commune.arrondissement_id,
            event.is_free,
        )
    }


def listed_titles(url):
    page = Client().get(url)
    assert page.status_code == 200
    return page.content.decode()


def test_the_copies_follow_the_workflow(resident, moderator, beauvais):
    event = event_create(author=resident, data=event_data(beauvais, rrule="FREQ=WEEKLY;COUNT=3"))
    assert event.status == EventStatus.SUBMITTED
    assert EventOccurrence.objects.filter(event=event).count() == 3
    assert copies(event) == expected(event)
    assert not next(iter(copies(event)))[0]  # awaiting review: not listed
    assert "Fête de la musique" not in listed_titles(f"/agenda/?commune={beauvais.code}")

    event_publish(event=event, moderator=moderator)
    assert copies(event) == expected(event)
    assert next(iter(copies(event)))[0]
    assert "Fête de la musique" in listed_titles(f"/agenda/?commune={beauvais.code}")

    event_cancel(event=event, actor=resident, reason="Pluie annoncée.")
    assert copies(event) == expected(event)
    assert next(iter(copies(event)))[0]  # cancelled events stay listed, marked


def test_a_rejected_event_leaves_the_lists(resident, moderator, beauvais):
    event = event_create(author=resident, data=event_data(beauvais))
    event_reject(event=event, moderator=moderator, reason="Lieu imprécis.")
    assert copies(event) == expected(event)
    assert not next(iter(copies(event)))[0]


def test_the_copies_follow_an_edit_of_place_category_price_and_dates(official, beauvais, compiegne):
    event = event_create(author=official, data=event_data(beauvais))
    assert event.status == EventStatus.PUBLISHED
    sport = Category.objects.get(slug="sport")
    event_update(
        event=event,
        editor=official,
        data=event_data(
            compiegne,
            category=sport,
            is_free=False,
            price="5 €",
            start=in_days(20),
            rrule="FREQ=DAILY;COUNT=4",
        ),
    )
    assert EventOccurrence.objects.filter(event=event).count() == 4
    assert copies(event) == expected(event)
    assert next(iter(copies(event)))[1:] == (
        sport.pk,
        compiegne.pk,
        compiegne.epci_id,
        compiegne.arrondissement_id,
        False,
    )
    # What a visitor sees: the event moved from Beauvais's list to Compiègne's, into sport.
    assert "Fête de la musique" not in listed_titles(f"/agenda/?commune={beauvais.code}")
    assert "Fête de la musique" in listed_titles(f"/agenda/?commune={compiegne.code}")
    assert "Fête de la musique" in listed_titles(f"/agenda/?epci={compiegne.epci.code}")
    assert "Fête de la musique" in listed_titles("/agenda/?category=sport")
    assert "Fête de la musique" not in listed_titles("/agenda/?category=culture")
    assert "Fête de la musique" not in listed_titles("/agenda/?free=1")


def import_minimal(tmp_path, data, name):
    source = write_source(tmp_path / name, data)
    call_command("import_territory", "60", "--source", str(source), stdout=io.StringIO())


def test_a_commune_moved_to_another_intercommunality_takes_its_dates_along(tmp_path):
    import_minimal(tmp_path, MINIMAL, "before")
    abancourt = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="60001")
    beauvaisis = Territory.objects.get(kind=TerritoryKind.EPCI, code="200067999")
    deux_rives = Territory.objects.get(kind=TerritoryKind.EPCI, code="200000001")
    assert abancourt.epci == beauvaisis
    official = UserFactory(is_staff=True, is_superuser=True, commune=abancourt)
    event = event_create(author=official, data=event_data(abancourt, title="Fête du village"))
    assert event.status == EventStatus.PUBLISHED
    # Both lists read once (the page cache keeps them) before the move.
    assert "Fête du village" in listed_titles(f"/agenda/?epci={beauvaisis.code}")
    assert "Fête du village" not in listed_titles(f"/agenda/?epci={deux_rives.code}")
    api = json.loads(Client().get(f"/api/evenements/?epci={deux_rives.code}").content)
    assert api["results"] == []

    moved = copy.deepcopy(MINIMAL)
    moved["epci"][0]["membres"] = [{"code": "60057"}]
    moved["epci"][1]["membres"].append({"code": "60001"})
    import_minimal(tmp_path, moved, "after")

    abancourt.refresh_from_db()
    assert abancourt.epci == deux_rives
    assert copies(event) == expected(event)
    assert next(iter(copies(event)))[3] == deux_rives.pk
    assert "Fête du village" not in listed_titles(f"/agenda/?epci={beauvaisis.code}")
    assert "Fête du village" in listed_titles(f"/agenda/?epci={deux_rives.code}")
    api = json.loads(Client().get(f"/api/evenements/?epci={deux_rives.code}").content)
    assert [item["title"] for item in api["results"]] == ["Fête du village"]
