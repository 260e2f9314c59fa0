"""The finding pages run a fixed number of SQL queries, whatever the number of events; the key
queries can use their indexes (PostgreSQL)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parvis.agenda.filters import filter_occurrences, local_midnight, parse_filters
from parvis.agenda.grids import month_weeks
from parvis.agenda.models import Category, Event, EventOccurrence
from parvis.agenda.selectors import public_occurrences

from .conftest import PARIS

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = TODAY + dt.timedelta(days=3)

#: (url, query string, queries for a visitor).
PAGES = [
    ("/agenda/", "", 5),
    (
        "/agenda/",
        "category=culture&commune=60057&epci=200067999&arrondissement=601"
        "&organiser=amis&free=1&q=concert&from=2020-01-01&to=2099-12-31",
        9,
    ),
    (f"/agenda/mois/{DAY:%Y-%m}/", "", 5),
    (f"/agenda/mois/{DAY:%Y-%m}/", "category=culture&q=concert&free=1", 6),
    (f"/agenda/semaine/{DAY:%Y-%m-%d}/", "", 5),
    (f"/agenda/jour/{DAY:%Y-%m-%d}/", "", 5),
    (f"/agenda/jour/{DAY:%Y-%m-%d}/", "commune=Beauvais&near=1", 7),
]

#: A member's request adds the session and the user (2), the usersessions middleware's
#: bookkeeping (5, with its savepoints), the count of unread notifications in the header (1)
#: and, for "near me", the member's commune (1).
MEMBER_OVERHEAD = 9


def add_events(make_event, association, count, *, offset=0):
    for i in range(count):
        event = make_event(
            title=f"Concert numéro {offset + i}",
            organisation=association,
            start=dt.datetime.combine(DAY, dt.time(8 + i % 12, i % 60), tzinfo=PARIS)
            + dt.timedelta(days=(i % 3) * 7),
        )
        event.audience.set([])


@pytest.mark.parametrize(("url", "query", "expected"), PAGES)
def test_finding_pages_run_a_fixed_number_of_queries(
    client, make_event, association, django_assert_max_num_queries, url, query, expected
):
    add_events(make_event, association, 3)
    with django_assert_max_num_queries(expected):
        few = client.get(f"{url}?{query}")
    add_events(make_event, association, 57, offset=3)
    with django_assert_max_num_queries(expected):
        many = client.get(f"{url}?{query}")
    assert few.status_code == many.status_code == 200
    assert "Concert numéro" in many.content.decode()


@pytest.mark.parametrize(("url", "query", "expected"), PAGES)
def test_finding_pages_run_a_fixed_number_of_queries_for_members(
    login, resident, make_event, association, django_assert_max_num_queries, url, query, expected
):
    client = login(resident)
    client.get("/agenda/")  # the first request of a session records it (usersessions)
    add_events(make_event, association, 3)
    with django_assert_max_num_queries(expected + MEMBER_OVERHEAD):
        client.get(f"{url}?{query}&near=1")
    add_events(make_event, association, 57, offset=3)
    with django_assert_max_num_queries(expected + MEMBER_OVERHEAD):
        response = client.get(f"{url}?{query}&near=1")
    assert response.status_code == 200


# --- Index use (PostgreSQL) ------------------------------------------------------------------


def _plan(queryset):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.fixture
def many_occurrences(oise, resident):
    """A few thousand events and occurrences, written in bulk, then ANALYZE."""
    culture = Category.objects.get(slug="culture")
    start = dt.datetime.combine(TODAY, dt.time(18), tzinfo=PARIS) - dt.timedelta(days=200)
    Event.objects.bulk_create(
        Event(
            title=f"Événement {i}",
            slug=f"evenement-{i}",
            description="Une soirée de théâtre et de musique",
            category=culture,
            start=start + dt.timedelta(hours=i),
            end=start + dt.timedelta(hours=i + 2),
            venue_name="Salle",
            address="Rue",
            commune=oise["beauvais"],
            created_by=resident,
            status="published",
        )
        for i in range(4000)
    )
    beauvais = oise["beauvais"]
    copies = {  # as the services write them (agenda.models.LISTING_COPIES)
        "listed": True,
        "category_id": culture.pk,
        "commune_id": beauvais.pk,
        "epci_id": beauvais.epci_id,
        "arrondissement_id": beauvais.arrondissement_id,
        "is_free": True,
    }
    EventOccurrence.objects.bulk_create(
        EventOccurrence(event_id=pk, start=s, end=e, **copies)
        for pk, s, e in Event.objects.values_list("pk", "start", "end")
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE agenda_event")
        cursor.execute("ANALYZE agenda_eventoccurrence")


@pytest.mark.postgresql
def test_upcoming_and_range_queries_use_the_start_index(many_occurrences):
    upcoming = (
        public_occurrences()
        .filter(start__gte=local_midnight(TODAY), end__gte=timezone.now())
        .order_by("start", "pk")[:20]
    )
    assert "agenda_even_start_" in _plan(upcoming)


@pytest.mark.postgresql
def test_search_uses_the_gin_index(many_occurrences):
    filters = parse_filters({"q": "théâtre 1234"}, None)
    occurrences = filter_occurrences(public_occurrences(), filters)
    plan = _plan(occurrences)
    assert "agenda_event_fts" in plan
    assert "search_document @@" in plan


@pytest.mark.parametrize("dense", [True, False])
def test_month_grid_is_built_from_two_queries(
    make_event, association, django_assert_max_num_queries, dense
):
    add_events(make_event, association, 30)
    with django_assert_max_num_queries(2):
        weeks = month_weeks(public_occurrences(), DAY.year, DAY.month, dense=dense)
    day = next(d for week in weeks for d in week if d.date == DAY)
    assert len(day.occurrences) == 4
    assert [o.start for o in day.occurrences] == sorted(o.start for o in day.occurrences)
    assert day.occurrences[0].start.astimezone(PARIS).hour == 8
    assert day.total == 10
    assert day.more == 6
    assert not day.total_capped


@pytest.mark.postgresql
def test_dense_month_grid_reads_a_bounded_number_of_dates_per_day(
    make_event, association, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("parvis.agenda.grids.DAY_COUNT_CAP", 6)
    add_events(make_event, association, 30)
    with django_assert_max_num_queries(2):
        weeks = month_weeks(public_occurrences(), DAY.year, DAY.month, dense=True)
    day = next(d for week in weeks for d in week if d.date == DAY)
    assert len(day.occurrences) == 4
    assert (day.total, day.total_capped, day.more) == (6, True, 2)


@pytest.mark.postgresql
def test_dense_and_filtered_grids_show_the_same_dates(make_event, association, beauvais):
    add_events(make_event, association, 40)
    make_event(title="Nuit blanche", start=dt.datetime.combine(DAY, dt.time(23, 30), tzinfo=PARIS))
    dense = month_weeks(public_occurrences(), DAY.year, DAY.month, dense=True)
    ranked = month_weeks(public_occurrences(), DAY.year, DAY.month, dense=False)

    def shown(weeks):
        return [(d.date, d.total, [o.pk for o in d.occurrences]) for w in weeks for d in w]

    assert shown(dense) == shown(ranked)


@pytest.mark.postgresql
def test_dense_month_grid_uses_the_start_index_day_by_day(many_occurrences):
    from parvis.agenda import grids

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as queries:
        month_weeks(public_occurrences(), TODAY.year, TODAY.month, dense=True)
    sql = queries.captured_queries[0]["sql"]
    assert "LATERAL" in sql
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "agenda_even_start_" in plan
    assert f"LIMIT {grids.DAY_COUNT_CAP + 1}" in sql


@pytest.mark.parametrize("dense", [True, False])
def test_month_grid_places_dates_on_their_paris_day_across_the_dst_change(make_event, dense):
    # 31 October 2027 lasts 25 hours in Paris (clocks go back at 3:00).
    for start in [
        dt.datetime(2027, 10, 30, 23, 30, tzinfo=PARIS),
        dt.datetime(2027, 10, 31, 0, 30, tzinfo=PARIS),
        dt.datetime(2027, 10, 31, 23, 30, tzinfo=PARIS),
        dt.datetime(2027, 11, 1, 0, 15, tzinfo=PARIS),
    ]:
        make_event(title=f"{start:%d %H:%M}", start=start, end=start + dt.timedelta(minutes=30))

    titles = {}
    for month in (10, 11):
        weeks = month_weeks(public_occurrences(), 2027, month, dense=dense)
        titles.update({d.date: [o.event.title for o in d.occurrences] for w in weeks for d in w})
    assert titles[dt.date(2027, 10, 30)] == ["30 23:30"]
    assert titles[dt.date(2027, 10, 31)] == ["31 00:30", "31 23:30"]
    assert titles[dt.date(2027, 11, 1)] == ["01 00:15"]
