"""An event's optional point: one validation for the form, the API and the admin; the event
page's map, JSON-LD ``geo`` and iCalendar ``GEO``; "Autour de moi" (``?pres=&km=``)."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from parvis.agenda.models import Event
from tests.factories import api_key_for

from .conftest import PARIS
from .test_forms import form_data

pytestmark = pytest.mark.django_db

#: Place Jeanne-Hachette, Beauvais; a point about 1 km north of it; one about 8 km north.
HACHETTE = (Decimal("49.430500"), Decimal("2.081000"))
ONE_KM = (Decimal("49.439500"), Decimal("2.081000"))
EIGHT_KM = (Decimal("49.502500"), Decimal("2.081000"))
LYON = ("45.764000", "4.835700")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def at(point):
    return {"latitude": point[0], "longitude": point[1]}


def api_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def api_payload(**overrides):
    start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=14), dt.time(19), tzinfo=PARIS
    )
    return {
        "title": "Répétition publique",
        "category": "culture",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=2)).isoformat(),
        "venue_name": "Place Jeanne-Hachette",
        "address": "Place Jeanne-Hachette",
        "commune": "60057",
        **overrides,
    }


# --- one validation --------------------------------------------------------------------------


def test_the_form_stores_a_point_clicked_or_typed(login, official):
    response = login(official).post(
        "/agenda/proposer/", form_data(latitude="49,4305", longitude="2.081")
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.latitude, event.longitude) == HACHETTE
    edit = login(official).get(f"/agenda/{event.pk}-{event.slug}/modifier/").content.decode()
    assert 'value="49.430500"' in edit and 'data-map="picker"' in edit


@pytest.mark.parametrize(
    ("point", "field", "message"),
    [
        (LYON, "latitude", "outside the département"),
        (("49.43", ""), "latitude", "both the latitude and the longitude"),
        (("49.43", "east"), "longitude", "Give a number"),
    ],
)
def test_form_and_api_refuse_a_bad_point_by_field_and_store_nothing(
    login, official, point, field, message
):
    page = login(official).post(
        "/agenda/proposer/", form_data(latitude=point[0], longitude=point[1])
    )
    assert page.status_code == 200
    block = page.content.decode().split(f'for="id_{field}"')[1].split('class="form-field"')[0]
    assert message in block  # next to its field
    api = api_client(official).post(
        "/api/evenements/",
        api_payload(latitude=point[0] or None, longitude=point[1] or None),
        format="json",
    )
    assert api.status_code == 400
    assert field in api.json() or "longitude" in api.json()  # DRF refuses "east" itself
    assert not Event.objects.exists()


def test_the_admin_refuses_a_point_outside_the_departement(make_event):
    from parvis.agenda.admin import EventAdminForm

    event = make_event()
    data = {
        field: getattr(event, field)
        for field in ("title", "slug", "start", "end", "venue_name", "address", "price")
    }
    form = EventAdminForm(
        data={
            **data,
            "category": event.category_id,
            "commune": event.commune_id,
            "is_free": "on",
            "exdates": "[]",
            "accessibility": "[]",
            "latitude": LYON[0],
            "longitude": LYON[1],
        },
        instance=event,
    )
    assert not form.is_valid()
    assert "outside the département" in str(form.errors["latitude"])


def test_the_api_reads_and_writes_the_point(official):
    client = api_client(official)
    created = client.post(
        "/api/evenements/",
        api_payload(latitude="49.4305", longitude="2.081"),
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["latitude"], created.json()["longitude"]) == ("49.430500", "2.081000")
    pk = created.json()["id"]
    cleared = client.patch(
        f"/api/evenements/{pk}/", {"latitude": None, "longitude": None}, format="json"
    )
    assert cleared.status_code == 200 and cleared.json()["latitude"] is None
    assert not Event.objects.get(pk=pk).has_point
    schema = client.get("/api/schema/").content.decode()
    assert "Latitude of the venue" in schema


# --- what the point shows ----------------------------------------------------------------------


def test_the_event_page_has_a_small_map_and_geo_only_with_a_point(visitor, make_event):
    with_point = make_event(**at(HACHETTE))
    html = visitor.get(with_point.get_absolute_url()).content.decode()
    assert 'data-map="points"' in html and "leaflet.js" in html
    payload = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    geo = json.loads(payload.group(1))["location"]["geo"]
    assert geo == {"@type": "GeoCoordinates", "latitude": 49.4305, "longitude": 2.081}
    assert "mlat=49.430500" in html  # OpenStreetMap opens on the point
    without = visitor.get(make_event(title="Sans point").get_absolute_url()).content.decode()
    assert 'data-map="points"' not in without and "GeoCoordinates" not in without
    assert "leaflet.js" not in without


def ics(client, url):
    return b"".join(client.get(url).streaming_content).decode()


def test_the_ics_carries_geo(visitor, make_event):
    event = make_event(**at(HACHETTE))
    body = ics(visitor, f"/agenda/{event.pk}-{event.slug}.ics")
    assert "\r\nGEO:49.430500;2.081000\r\n" in body
    make_event(title="Sans point")
    feed = ics(visitor, "/agenda/flux.ics")
    assert feed.count("\r\nGEO:") == 1


# --- around me ---------------------------------------------------------------------------------


def titles(html):
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


def test_around_me_keeps_the_events_within_the_distance_nearest_first(visitor, make_event):
    make_event(title="A huit km", **at(EIGHT_KM))
    make_event(title="Place Jeanne-Hachette", **at(HACHETTE))
    make_event(title="A un km", **at(ONE_KM))
    make_event(title="Sans point")
    near = f"{HACHETTE[0]},{HACHETTE[1]}"

    ten = visitor.get("/agenda/", {"pres": near, "km": "10"}).content.decode()
    assert titles(ten) == ["Place Jeanne-Hachette", "A un km", "A huit km"]
    assert "8.0 km away" in ten and "not listed while this filter is on" in ten
    five = visitor.get("/agenda/", {"pres": near, "km": "5"}).content.decode()
    assert titles(five) == ["Place Jeanne-Hachette", "A un km"]
    assert "A huit km" not in five
    assert titles(visitor.get("/agenda/", {"pres": near}).content.decode())[-1] == "A huit km"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"pres": "45.764,4.8357", "km": "10"}, "outside the département"),
        ({"pres": "nearby", "km": "10"}, "Give a position as latitude,longitude"),
        ({"pres": "49.4305,2.081", "km": "7"}, "Choose 5, 10, 20 or 30 km"),
    ],
)
def test_a_bad_position_or_distance_says_so_and_lists_everything(
    visitor, make_event, query, message
):
    make_event(title="Sans point")
    response = visitor.get("/agenda/", query)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and titles(html) == ["Sans point"]


def test_the_agenda_list_maps_the_events_with_a_point(visitor, make_event):
    make_event(title="Concert </script><b>x</b>", **at(HACHETTE))
    make_event(title="Sans point")
    html = visitor.get("/agenda/").content.decode()
    assert 'data-map="points"' in html and html.count('"lat":') == 1
    data = html.split('id="agenda-map-points"')[1].split("</script>")[0]
    assert "</script><b>" not in data
    button = html.split("data-geolocate")[1].split(">")[0]
    assert " hidden" in button  # the button waits for JavaScript


def test_around_me_runs_a_fixed_number_of_queries(
    visitor, make_event, django_assert_max_num_queries
):
    query = {"pres": "49.4305,2.081", "km": "20"}
    for i in range(2):
        make_event(title=f"Concert {i}", **at(ONE_KM))
    with django_assert_max_num_queries(5):
        assert visitor.get("/agenda/", query).status_code == 200
    for i in range(6):
        make_event(title=f"Bal {i}", **at(EIGHT_KM))
    with django_assert_max_num_queries(5):
        html = visitor.get("/agenda/", {**query, "km": "30"}).content.decode()
    assert len(titles(html)) == 8


def test_organisation_and_commune_pages_map_their_events(visitor, make_event, association):
    make_event(title="Bal", organisation=association, **at(HACHETTE))
    commune = Event.objects.get().commune
    organisation_page = visitor.get(association.get_absolute_url()).content.decode()
    assert 'id="organisation-map-points"' in organisation_page
    assert "leaflet.js" in organisation_page  # the section loads what its map needs
    commune_page = visitor.get(commune.get_absolute_url()).content.decode()
    assert 'id="territory-map-points"' in commune_page
