"""The event form: structured recurrence, Paris times, clear errors that change nothing."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from parvis.agenda.forms import EventForm, parse_rrule
from parvis.agenda.models import Category, Event

from .conftest import PARIS


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    settings.LANGUAGE_CODE = "en"


def day(days):
    return timezone.localdate() + dt.timedelta(days=days)


def form_data(**overrides):
    """A valid POST of the event form (a one-off event in Beauvais in twelve days)."""
    data = {
        "title": "Fête de quartier",
        "description": "Venez **nombreux**.",
        "category": str(Category.objects.get(slug="culture").pk),
        "start_date": day(12).isoformat(),
        "start_time": "18:00",
        "end_date": "",
        "end_time": "21:00",
        "repeat": "none",
        "interval": "1",
        "ends": "until",
        "until": "",
        "count": "",
        "exdates": "",
        "venue_name": "Place Jeanne-Hachette",
        "address": "Place Jeanne-Hachette",
        "commune": "Beauvais",
        "organisation": "",
        "is_free": "on",
        "price": "",
        "accessibility_details": "",
        "external_url": "",
        "capacity": "",
        "audience_communes": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def make_form(user, event=None, files=None, **overrides):
    return EventForm(form_data(**overrides), files or {}, user=user, event=event)


def test_valid_form_gives_aware_paris_datetimes(resident):
    form = make_form(resident)
    assert form.is_valid(), form.errors
    data = form.service_data()
    assert data["start"] == dt.datetime.combine(day(12), dt.time(18, 0), tzinfo=PARIS)
    assert data["end"] - data["start"] == dt.timedelta(hours=3)
    assert data["commune"].name == "Beauvais"
    assert data["rrule"] == ""
    assert data["organisation"] is None


def test_all_day_ignores_times(resident):
    form = make_form(resident, all_day="on", start_time="", end_time="", end_date=day(13))
    assert form.is_valid(), form.errors
    data = form.service_data()
    assert data["all_day"] is True
    assert timezone.localtime(data["start"]).time() == dt.time(0, 0)
    assert timezone.localtime(data["end"]).date() == day(13)


def test_past_start_is_refused_for_a_new_event(resident):
    form = make_form(resident, start_date=day(-2).isoformat())
    assert not form.is_valid()
    assert "The start is in the past" in str(form.errors["start_date"])


def test_end_before_start_is_refused(resident):
    form = make_form(resident, end_time="17:00")
    assert not form.is_valid()
    assert "The end must not be before the start." in str(form.errors["end_date"])


def test_unknown_commune_is_refused(resident):
    form = make_form(resident, commune="Atlantis")
    assert not form.is_valid()
    assert "No commune of our territory matches" in str(form.errors["commune"])


def test_unknown_category_is_refused(resident):
    form = make_form(resident, category="999999")
    assert not form.is_valid()
    assert "category" in form.errors


def test_inactive_category_is_not_offered(resident):
    hidden = Category.objects.create(name="Archivée", slug="archivee", is_active=False)
    form = make_form(resident, category=str(hidden.pk))
    assert not form.is_valid()
    assert "category" in form.errors


def test_svg_disguised_as_an_image_is_refused(resident):
    svg = SimpleUploadedFile(
        "photo.jpg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/jpeg",
    )
    form = make_form(resident, files={"image": svg})
    assert not form.is_valid()
    assert "not a valid image" in str(form.errors["image"])


def test_oversize_image_is_refused(resident):
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (6 * 1024 * 1024))
    form = make_form(resident, files={"image": big})
    assert not form.is_valid()
    assert "too large" in str(form.errors["image"])


def test_a_real_image_is_accepted(resident):
    form = make_form(resident, files={"image": SimpleUploadedFile("p.png", png_bytes())})
    assert form.is_valid(), form.errors


def test_weekly_recurrence_on_chosen_days_every_two_weeks(resident):
    form = make_form(
        resident, repeat="weekly", interval="2", weekdays=["TU", "TH"], ends="count", count="6"
    )
    assert form.is_valid(), form.errors
    assert form.service_data()["rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=6"


def test_monthly_by_weekday_until_a_date(resident):
    form = make_form(resident, repeat="monthly_weekday", ends="until", until=day(200))
    assert form.is_valid(), form.errors
    rrule = form.service_data()["rrule"]
    assert rrule.startswith("FREQ=MONTHLY;BYDAY=")
    assert "UNTIL=" in rrule


def test_recurrence_without_an_end_is_refused(resident):
    form = make_form(resident, repeat="yearly", ends="until", until="")
    assert not form.is_valid()
    assert "until" in form.errors


def test_recurrence_ending_before_the_start_is_refused(resident):
    form = make_form(resident, repeat="weekly", ends="until", until=day(1).isoformat())
    assert not form.is_valid()
    assert "until" in form.errors


def test_too_many_occurrences_are_refused(resident):
    form = make_form(resident, repeat="weekly", ends="count", count="5000")
    assert not form.is_valid()
    assert "count" in form.errors


def test_exception_dates_are_parsed_and_bad_ones_named(resident):
    form = make_form(resident, exdates="01/02/2030\n2030-02-08")
    assert form.is_valid(), form.errors
    assert form.service_data()["exdates"] == [dt.date(2030, 2, 1), dt.date(2030, 2, 8)]
    form = make_form(resident, exdates="demain")
    assert not form.is_valid()
    assert "demain" in str(form.errors["exdates"])


def test_price_needed_when_not_free(resident):
    form = make_form(resident, is_free=None, price="")
    assert not form.is_valid()
    assert "price" in form.errors


def test_organisation_choices_are_the_ones_the_member_runs(association_manager, association):
    form = EventForm(user=association_manager)
    values = [value for value, _label in form.fields["organisation"].choices]
    assert values == ["", str(association.pk)]


def test_stranger_cannot_pick_an_organisation_they_do_not_run(resident, association):
    form = make_form(resident, organisation=str(association.pk))
    assert not form.is_valid()
    assert "organisation" in form.errors


def test_target_communes_and_areas_are_resolved(resident, oise):
    epci = oise["epcis"][0]
    form = make_form(resident, audience=[str(epci.pk)], audience_communes="Compiègne\n60280")
    assert form.is_valid(), form.errors
    names = {territory.name for territory in form.service_data()["audience"]}
    assert names == {epci.name, "Compiègne", "Margny-lès-Compiègne"}
    form = make_form(resident, audience_communes="Nulle-Part")
    assert not form.is_valid()
    assert "audience_communes" in form.errors


def test_editing_keeps_a_past_start_that_did_not_change(make_event, association_manager):
    event = make_event(start=timezone.now() - dt.timedelta(days=1))
    form = EventForm(user=association_manager, event=event)
    data = dict(form.initial)
    post = form_data(
        start_date=data["start_date"].isoformat(),
        start_time=data["start_time"].strftime("%H:%M"),
        end_date=data["end_date"].isoformat(),
        end_time=data["end_time"].strftime("%H:%M"),
    )
    bound = EventForm(post, user=association_manager, event=event)
    assert bound.is_valid(), bound.errors


def test_recurrence_is_read_back_for_editing():
    initial = parse_rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10")
    assert initial == {
        "repeat": "weekly",
        "interval": 2,
        "weekdays": ["MO", "WE"],
        "ends": "count",
        "count": 10,
    }
    assert parse_rrule("")["repeat"] == "none"


def test_bad_input_through_the_page_shows_errors_and_creates_nothing(login, resident):
    response = login(resident).post(
        "/agenda/proposer/",
        form_data(start_date=day(-3).isoformat(), commune="Atlantis"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The start is in the past" in content
    assert "No commune of our territory matches" in content
    assert not Event.objects.exists()


def test_propose_page_has_labelled_fields(login, resident):
    content = login(resident).get("/agenda/proposer/").content.decode()
    for name in ("title", "start_date", "start_time", "commune", "repeat", "category"):
        assert f'for="id_{name}"' in content
