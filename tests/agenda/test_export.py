"""The public agenda as open data: CSV and JSON with schema.org fields."""

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from parvis.agenda.export import CSV_COLUMNS
from parvis.agenda.models import Category, EventStatus

PARIS = ZoneInfo("Europe/Paris")


def in_days(days, hour=18):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def get_body(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    return b"".join(response.streaming_content).decode()


def csv_rows(client, query=""):
    body = get_body(client, "/agenda/export.csv" + query, "text/csv; charset=utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def json_items(client, query=""):
    body = get_body(client, "/agenda/export.json" + query, "application/json; charset=utf-8")
    return json.loads(body)


def test_csv_export_has_one_row_per_date_with_its_own_dates(visitor, make_event, settings):
    settings.PARVIS_SITE_URL = "https://agenda.oise.example"
    start = in_days(2, 9)
    event = make_event(
        title="Marché, bio & local",
        start=start,
        end=start + dt.timedelta(hours=4),
        rrule="FREQ=WEEKLY;COUNT=3",
        is_free=False,
        price="2 € l'entrée",
    )

    rows = csv_rows(visitor)

    assert list(rows[0].keys()) == CSV_COLUMNS
    assert [row["name"] for row in rows] == ["Marché, bio & local"] * 3
    starts = [dt.datetime.fromisoformat(row["startDate"]) for row in rows]
    assert starts == [start + dt.timedelta(weeks=week) for week in range(3)]
    assert all(row["startDate"].endswith(("+01:00", "+02:00")) for row in rows)
    first = rows[0]
    assert first["endDate"] == (start + dt.timedelta(hours=4)).isoformat()
    assert first["url"] == "https://agenda.oise.example" + event.get_absolute_url()
    assert first["eventStatus"] == "https://schema.org/EventScheduled"
    assert first["addressLocality"] == "Beauvais"
    assert first["postalCode"] == "60000"
    assert first["communeCode"] == "60057"
    assert first["isAccessibleForFree"] == "false"
    assert first["price"] == "2 € l'entrée"
    assert first["category"] == "Culture"
    assert first["organizer_name"] == "Léa Dubois"


def test_json_export_items_are_schema_org_events(visitor, make_event, association):
    make_event(
        title="Loto",
        organisation=association,
        status=EventStatus.CANCELLED,
        cancellation_reason="Salle indisponible.",
    )

    data = json_items(visitor)

    assert data["@context"] == "https://schema.org"
    assert "Licence Ouverte" in data["license"]
    (item,) = data["events"]
    assert item["@type"] == "Event"
    assert item["name"] == "Loto"
    assert item["eventStatus"] == "https://schema.org/EventCancelled"
    assert item["cancellationReason"] == "Salle indisponible."
    assert dt.datetime.fromisoformat(item["startDate"]).utcoffset() is not None
    assert item["location"]["name"] == "Salle des fêtes"
    assert item["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1 place de l'Hôtel de Ville",
        "postalCode": "60000",
        "addressLocality": "Beauvais",
        "addressCountry": "FR",
    }
    assert item["organizer"]["name"] == association.name
    assert item["organizer"]["url"].endswith(f"/organisations/{association.slug}/")
    assert item["isAccessibleForFree"] is True
    assert item["offers"]["price"] == "0"
    assert item["category"] == "Culture"


def test_all_day_events_are_exported_with_dates(visitor, make_event):
    day = timezone.localdate() + dt.timedelta(days=3)
    make_event(
        title="Fête",
        all_day=True,
        start=dt.datetime.combine(day, dt.time(0), tzinfo=PARIS),
        end=dt.datetime.combine(day, dt.time(23, 59), tzinfo=PARIS),
    )

    (item,) = json_items(visitor)["events"]

    assert item["startDate"] == day.isoformat()
    assert item["endDate"] == day.isoformat()
    assert item["allDay"] is True


def test_exports_hold_public_events_only(login, association_manager, make_event):
    make_event(title="Publié")
    make_event(title="Annulé", status=EventStatus.CANCELLED, cancellation_reason="Pluie.")
    for status in (EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.REJECTED):
        make_event(title=f"Privé {status}", status=status)
    client = login(association_manager)

    assert {row["name"] for row in csv_rows(client)} == {"Publié", "Annulé"}
    assert {item["name"] for item in json_items(client)["events"]} == {"Publié", "Annulé"}


def test_exports_follow_the_agenda_filters(visitor, make_event, compiegne):
    make_event(title="Concert")
    make_event(title="Match", commune=compiegne, category=Category.objects.get(slug="sport"))

    assert [row["name"] for row in csv_rows(visitor, "?category=sport")] == ["Match"]
    assert [i["name"] for i in json_items(visitor, "?commune=60057")["events"]] == ["Concert"]
    assert len(csv_rows(visitor, "?from=n'importe-quoi")) == 2


def test_empty_export_is_still_valid(visitor, oise):
    assert csv_rows(visitor) == []
    assert json_items(visitor)["events"] == []


def test_hostile_text_is_quoted_not_executed_in_csv(visitor, make_event):
    make_event(title='=HYPERLINK("http://evil.example")', description='a,"b"\nc')

    (row,) = csv_rows(visitor)

    assert row["description"] == 'a,"b"\nc'
    assert row["name"] == '\'=HYPERLINK("http://evil.example")'


def test_export_query_count_does_not_depend_on_the_number_of_dates(
    visitor, make_event, association, django_assert_max_num_queries
):
    make_event(organisation=association)
    with django_assert_max_num_queries(6):
        assert len(csv_rows(visitor)) == 1
    for day in range(20):
        make_event(
            title=f"Atelier {day}",
            start=in_days(day + 1),
            organisation=association,
            rrule="FREQ=WEEKLY;COUNT=4",
        )
    with django_assert_max_num_queries(6):
        assert len(csv_rows(visitor)) == 81
    with django_assert_max_num_queries(6):
        assert len(json_items(visitor)["events"]) == 81


def test_exports_are_capped(visitor, make_event, monkeypatch):
    monkeypatch.setattr("parvis.agenda.export.MAX_ROWS", 3)
    make_event(rrule="FREQ=WEEKLY;COUNT=5")

    assert len(csv_rows(visitor)) == 3
    assert len(json_items(visitor)["events"]) == 3


@pytest.mark.parametrize(
    "hostile",
    [
        "-2+3+cmd|' /C calc'!A0",
        "+SUM(1;1)",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "=1+1",
    ],
)
def test_every_formula_start_is_neutralised_in_csv(visitor, make_event, hostile):
    make_event(title=hostile, venue_name=hostile, address=hostile)
    (row,) = csv_rows(visitor)
    assert row["name"] == "'" + hostile
    assert row["location_name"] == "'" + hostile
