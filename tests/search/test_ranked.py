"""On the large types (events, information, discussions), a common word matches tens of
thousands of rows at the scale of a département: only the newest ``search.RANKED`` matches are
ranked, and a type's page counts at most ``search.COUNTED`` of them ("More than ...")."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.agenda.conftest import create_event

pytestmark = pytest.mark.postgresql


@pytest.fixture
def small_caps(monkeypatch):
    """Caps of 2 counted and 3 ranked (500 and 501 in production), as on a busy site."""
    from parvis.core import search

    monkeypatch.setattr(search, "COUNTED", 2)
    monkeypatch.setattr(search, "RANKED", 3)


@pytest.fixture
def brocantes(oise, world):
    """Four events about a "brocante": the oldest has the word in its title (the best match),
    the three newer ones in their description only."""
    start = timezone.now() + dt.timedelta(days=5)
    common = {"created_by": world["manager"], "commune": oise["beauvais"]}
    oldest = create_event(
        title="Grande brocante", description="Sur la place.", start=start, **common
    )
    newer = [
        create_event(
            title=f"Fête du quartier {number}",
            description="Avec une brocante.",
            start=start + dt.timedelta(days=number),
            **common,
        )
        for number in (1, 2, 3)
    ]
    return oldest, newer


def events_found(client, **params):
    response = client.get("/recherche/", {"q": "brocante", **params})
    assert response.status_code == 200
    return response


def test_every_match_is_ranked_below_the_cap(client, brocantes):
    response = events_found(client)
    (events,) = [group for group in response.context["groups"] if group.key == "evenements"]
    # The title (weight A) outranks the descriptions (B), then the latest first.
    assert [result.title for result in events.results] == [
        "Grande brocante",
        "Fête du quartier 3",
        "Fête du quartier 2",
        "Fête du quartier 1",
    ]
    response = events_found(client, type="evenements")
    assert "4 résultats" in response.content.decode()


def test_above_the_cap_the_newest_matches_are_ranked(client, brocantes, small_caps):
    response = events_found(client)
    (events,) = [group for group in response.context["groups"] if group.key == "evenements"]
    assert [result.title for result in events.results] == [
        "Fête du quartier 3",
        "Fête du quartier 2",
        "Fête du quartier 1",
    ]
    response = events_found(client, type="evenements")
    page = response.context["page"]
    assert page.paginator.count == 2
    assert [result.title for result in page.results] == [
        "Fête du quartier 3",
        "Fête du quartier 2",
    ]
    assert "Plus de 2 résultats." in response.content.decode()
    # The API's pages of one type end at the ranked matches too.
    data = client.get("/api/recherche/", {"q": "brocante", "type": "evenements"}).json()
    assert [result["title"] for result in data["groups"][0]["results"]] == [
        "Fête du quartier 3",
        "Fête du quartier 2",
        "Fête du quartier 1",
    ]
