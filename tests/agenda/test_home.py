"""The home page shows the upcoming events: near the member first, the whole département for
visitors; always with a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from .conftest import PARIS

pytestmark = pytest.mark.django_db


def in_days(n, hour=18):
    return dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=n), dt.time(hour), tzinfo=PARIS
    )


def section(response):
    text = response.content.decode()
    start = text.index('id="agenda-title"')
    return text[start : text.index("</section>", start)]


def test_visitor_sees_the_next_events_of_the_departement(client, make_event, oise):
    make_event(title="Concert à Beauvais", start=in_days(2))
    make_event(title="Match à Compiègne", commune=oise["compiegne"], start=in_days(1))
    make_event(title="Passé", start=in_days(-1))
    html = section(client.get("/"))
    assert html.index("Match à Compiègne") < html.index("Concert à Beauvais")
    assert "Passé" not in html
    assert 'href="/agenda/"' in html


def test_home_shows_six_events_at_most(client, make_event):
    for i in range(9):
        make_event(title=f"Atelier {i}", start=in_days(1 + i))
    html = section(client.get("/"))
    assert html.count("<article") == 6
    assert "Atelier 5" in html
    assert "Atelier 6" not in html


def test_member_sees_events_of_their_commune_then_intercommunality_first(
    login, other_resident, make_event, oise
):
    # Compiègne's resident: Compiègne, then Margny (same EPCI), then Beauvais.
    for i in range(4):
        make_event(title=f"Beauvais {i}", start=in_days(1 + i))
    make_event(title="Margny 1", commune=oise["margny"], start=in_days(8))
    make_event(title="Margny 2", commune=oise["margny"], start=in_days(9))
    make_event(title="Compiègne 1", commune=oise["compiegne"], start=in_days(10))
    make_event(title="Compiègne 2", commune=oise["compiegne"], start=in_days(12))
    html = section(login(other_resident).get("/"))
    assert "Upcoming events near you" in html or "près de chez vous" in html
    for title in ("Compiègne 1", "Compiègne 2", "Margny 1", "Margny 2", "Beauvais 0", "Beauvais 1"):
        assert title in html
    assert "Beauvais 2" not in html
    # Shown in date order.
    assert html.index("Beauvais 0") < html.index("Margny 1") < html.index("Compiègne 1")
    assert 'href="/agenda/?near=1"' in html


def test_member_sees_events_targeted_at_their_territories(login, resident, make_event, oise):
    for i in range(6):
        make_event(title=f"Compiègne {i}", commune=oise["compiegne"], start=in_days(1 + i))
    forum = make_event(title="Forum du Beauvaisis", commune=oise["compiegne"], start=in_days(20))
    forum.audience.set([oise["epcis"][0]])
    html = section(login(resident).get("/"))
    assert "Forum du Beauvaisis" in html


def test_home_runs_a_fixed_number_of_queries(
    client, login, resident, make_event, oise, django_assert_max_num_queries
):
    for i in range(3):
        make_event(title=f"Fête {i}", start=in_days(1 + i))
    member = login(resident)
    member.get("/")  # the first request of a session records it (usersessions)
    # The home page's other blocks (information, consultations, groups) are counted too: see
    # tests/core/test_home.py.
    with django_assert_max_num_queries(14):
        member.get("/")
    client.logout()
    with django_assert_max_num_queries(5):
        client.get("/")
    for i in range(40):
        make_event(title=f"Bal {i}", commune=oise["compiegne"], start=in_days(1 + i % 20))
    with django_assert_max_num_queries(5):
        assert client.get("/").status_code == 200
    member = login(resident)
    member.get("/")
    with django_assert_max_num_queries(14):
        assert member.get("/").status_code == 200
