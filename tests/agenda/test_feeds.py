"""iCalendar subscriptions: the agenda, an organisation, a commune and one event."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.agenda.models import Category, EventStatus

PARIS = ZoneInfo("Europe/Paris")


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline; filename=")
    body = b"".join(response.streaming_content)
    return icalendar.Calendar.from_ical(body), body


def vevents(calendar):
    return {str(component["SUMMARY"]): component for component in calendar.walk("VEVENT")}


def in_days(days, hour=18, minute=0):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def test_agenda_feed_is_valid_icalendar_with_the_paris_time_zone(visitor, make_event, settings):
    settings.PARVIS_SITE_URL = "http://127.0.0.1:8000"
    event = make_event(title="Concert de l'harmonie", start=in_days(5, 20, 30))

    calendar, body = fetch(visitor, "/agenda/flux.ics")

    assert calendar["VERSION"] == "2.0"
    assert "Parvis" in str(calendar["PRODID"])
    assert calendar["X-WR-CALNAME"]
    (timezone_component,) = calendar.walk("VTIMEZONE")
    assert timezone_component["TZID"] == "Europe/Paris"
    vevent = vevents(calendar)["Concert de l'harmonie"]
    assert vevent.decoded("DTSTART") == in_days(5, 20, 30)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent.decoded("DTEND") == in_days(5, 22, 30)
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["URL"]) == "http://127.0.0.1:8000" + event.get_absolute_url()
    assert str(vevent["UID"]) == f"event-{event.pk}@127.0.0.1"
    assert "Salle des fêtes" in str(vevent["LOCATION"])
    assert "Beauvais" in str(vevent["LOCATION"])
    assert "Culture" in vevent["CATEGORIES"].cats
    assert "DTSTAMP" in vevent and "LAST-MODIFIED" in vevent
    assert "gratuit" in str(vevent["DESCRIPTION"])
    assert body.endswith(b"END:VCALENDAR\r\n")


def test_event_url_is_absolute_on_the_site_address(visitor, make_event, settings):
    settings.PARVIS_SITE_URL = "https://agenda.oise.example"
    event = make_event()

    calendar, _ = fetch(visitor, "/agenda/flux.ics")

    vevent = next(iter(calendar.walk("VEVENT")))
    assert str(vevent["URL"]) == "https://agenda.oise.example" + event.get_absolute_url()
    assert str(vevent["UID"]) == f"event-{event.pk}@agenda.oise.example"


def test_recurring_event_is_one_vevent_with_rrule_and_exdate(visitor, make_event):
    start = in_days(3, 9)
    skipped = (start + dt.timedelta(weeks=2)).date()
    make_event(
        title="Marché hebdomadaire",
        start=start,
        end=start + dt.timedelta(hours=4),
        rrule="FREQ=WEEKLY;COUNT=10",
        exdates=[skipped.isoformat()],
    )

    calendar, _ = fetch(visitor, "/agenda/flux.ics")

    (vevent,) = calendar.walk("VEVENT")
    rule = vevent["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["COUNT"] == [10]
    exdates = [value.dt for value in vevent["EXDATE"].dts]
    assert exdates == [dt.datetime.combine(skipped, dt.time(9), tzinfo=PARIS)]


def test_all_day_event_uses_date_values(visitor, make_event):
    first = timezone.localdate() + dt.timedelta(days=4)
    last = first + dt.timedelta(days=700)  # rules end within three years (recurrence.py)
    make_event(
        title="Fête du village",
        all_day=True,
        start=dt.datetime.combine(first, dt.time(0), tzinfo=PARIS),
        end=dt.datetime.combine(first + dt.timedelta(days=1), dt.time(23, 59), tzinfo=PARIS),
        rrule=f"FREQ=YEARLY;UNTIL={last:%Y%m%d}T225959Z",
    )

    calendar, _ = fetch(visitor, "/agenda/flux.ics")

    vevent = vevents(calendar)["Fête du village"]
    assert vevent.decoded("DTSTART") == first
    assert vevent.decoded("DTEND") == first + dt.timedelta(days=2)
    assert vevent["RRULE"]["UNTIL"] == [last]


def test_cancelled_event_stays_in_the_feed_as_cancelled(visitor, make_event):
    make_event(
        title="Loto annulé",
        status=EventStatus.CANCELLED,
        cancellation_reason="Salle indisponible.",
    )

    calendar, _ = fetch(visitor, "/agenda/flux.ics")

    vevent = vevents(calendar)["Loto annulé"]
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert "Salle indisponible." in str(vevent["DESCRIPTION"])


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.REJECTED])
def test_events_not_public_are_absent_from_every_feed(
    login, association_manager, association, make_event, status
):
    make_event(title="Public", organisation=association)
    make_event(title="Pas public", status=status, organisation=association)
    client = login(association_manager)  # even for their organiser

    for url in [
        "/agenda/flux.ics",
        f"/agenda/organisations/{association.slug}.ics",
        "/agenda/communes/60057.ics",
    ]:
        calendar, _ = fetch(client, url)
        assert set(vevents(calendar)) == {"Public"}, url


def test_uids_are_stable_across_requests(visitor, make_event):
    make_event(title="Un")
    make_event(title="Deux", start=in_days(12))

    first, _ = fetch(visitor, "/agenda/flux.ics")
    second, _ = fetch(visitor, "/agenda/flux.ics")

    def uids(calendar):
        return [str(v["UID"]) for v in calendar.walk("VEVENT")]

    assert uids(first) == uids(second)
    assert len(set(uids(first))) == 2


def test_events_outside_the_window_are_left_out(visitor, make_event):
    make_event(title="Bientôt", start=in_days(30))
    make_event(title="Dans deux ans", start=in_days(730))
    make_event(title="Il y a un an", start=in_days(-365), status=EventStatus.PUBLISHED)

    calendar, _ = fetch(visitor, "/agenda/flux.ics")

    assert set(vevents(calendar)) == {"Bientôt"}


def test_agenda_feed_follows_the_filters(visitor, make_event, compiegne):
    make_event(title="Concert à Beauvais")
    make_event(
        title="Match à Compiègne",
        commune=compiegne,
        category=Category.objects.get(slug="sport"),
    )

    sport, _ = fetch(visitor, "/agenda/flux.ics?category=sport")
    in_beauvais, _ = fetch(visitor, "/agenda/flux.ics?commune=60057")
    malformed, _ = fetch(visitor, "/agenda/flux.ics?from=pas-une-date&commune=99999")

    assert set(vevents(sport)) == {"Match à Compiègne"}
    assert set(vevents(in_beauvais)) == {"Concert à Beauvais"}
    assert set(vevents(malformed)) == {"Concert à Beauvais", "Match à Compiègne"}


def test_organisation_feed_holds_its_events_only(visitor, make_event, association):
    make_event(title="De l'association", organisation=association)
    make_event(title="D'un membre")

    calendar, _ = fetch(visitor, f"/agenda/organisations/{association.slug}.ics")

    assert set(vevents(calendar)) == {"De l'association"}
    assert association.name in str(calendar["X-WR-CALNAME"])


def test_feed_of_an_unknown_or_unverified_organisation_is_not_found(visitor, association):
    association.status = "pending"
    association.save(update_fields=["status"])

    assert visitor.get(f"/agenda/organisations/{association.slug}.ics").status_code == 404
    assert visitor.get("/agenda/organisations/inconnue.ics").status_code == 404


def test_commune_feed_holds_the_events_of_the_commune(visitor, make_event, compiegne):
    make_event(title="À Beauvais")
    make_event(title="À Compiègne", commune=compiegne)

    calendar, _ = fetch(visitor, "/agenda/communes/60159.ics")

    assert set(vevents(calendar)) == {"À Compiègne"}
    assert visitor.get("/agenda/communes/99999.ics").status_code == 404
    assert visitor.get("/agenda/communes/pas-un-code.ics").status_code == 404


def test_event_ics_for_visitors_and_organisers_only_when_visible(
    visitor, login, make_event, other_resident, association_manager
):
    event = make_event(title="Atelier")
    draft = make_event(title="Brouillon", status=EventStatus.DRAFT)
    url = reverse("agenda:event_ics", kwargs={"pk": event.pk, "slug": event.slug})
    draft_url = reverse("agenda:event_ics", kwargs={"pk": draft.pk, "slug": draft.slug})

    calendar, _ = fetch(visitor, url)
    assert set(vevents(calendar)) == {"Atelier"}
    assert url.endswith(f"/agenda/{event.pk}-atelier.ics")
    assert visitor.get(draft_url).status_code == 404
    assert login(other_resident).get(draft_url).status_code == 404
    calendar, _ = fetch(login(association_manager), draft_url)
    assert set(vevents(calendar)) == {"Brouillon"}


def test_feed_accepts_head_and_refuses_post(visitor, make_event):
    make_event()
    assert visitor.head("/agenda/flux.ics").status_code == 200
    assert visitor.post("/agenda/flux.ics").status_code == 405


def test_feed_query_count_does_not_depend_on_the_number_of_events(
    visitor, make_event, association, compiegne, django_assert_max_num_queries
):
    def count_queries(url, expected_events):
        with django_assert_max_num_queries(8):
            calendar, _ = fetch(visitor, url)
        assert len(calendar.walk("VEVENT")) == expected_events

    make_event(organisation=association)
    count_queries("/agenda/flux.ics?category=culture", 1)
    count_queries(f"/agenda/organisations/{association.slug}.ics", 1)
    for day in range(30):
        extra = {"organisation": association} if day % 2 else {}
        if day % 3:
            extra["commune"] = compiegne
        make_event(
            title=f"Événement {day}",
            start=in_days(day + 1),
            rrule="FREQ=WEEKLY;COUNT=3" if day % 5 == 0 else "",
            **extra,
        )
    count_queries("/agenda/flux.ics?category=culture", 31)
    count_queries(f"/agenda/organisations/{association.slug}.ics", 16)
    count_queries("/agenda/communes/60159.ics", 20)


def test_subscribe_partial_keeps_the_current_filters(rf, oise):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from parvis.agenda.views import webcal

    request = rf.get("/agenda/?category=sport&commune=60057&from=2027-01-01&to=2027-01-31")
    request.user = AnonymousUser()
    # What the finding pages give it (views._finding_context): the feed without the dates.
    feed_url = "/agenda/flux.ics?category=sport&commune=60057"
    html = render_to_string(
        "agenda/_subscribe.html",
        {"feed_url": feed_url, "webcal_url": webcal(request, feed_url)},
        request=request,
    )

    assert 'href="/agenda/flux.ics?category=sport&amp;commune=60057"' in html
    assert 'href="webcal://' in html
    assert 'href="/agenda/export.csv?category=sport&amp;commune=60057&amp;from=2027-01-01' in html
    assert 'href="/agenda/export.json?category=sport&amp;commune=60057&amp;from=2027-01-01' in html


@pytest.mark.parametrize("query", ["", "?category=culture"])
def test_feed_is_capped_to_the_soonest_events(visitor, make_event, monkeypatch, query):
    monkeypatch.setattr("parvis.agenda.feeds.MAX_EVENTS", 2)
    for day in (9, 3, 6):
        make_event(title=f"Jour {day}", start=in_days(day))

    calendar, _ = fetch(visitor, f"/agenda/flux.ics{query}")

    assert [str(v["SUMMARY"]) for v in calendar.walk("VEVENT")] == ["Jour 3", "Jour 6"]


@pytest.mark.parametrize("query", ["", "?category=culture"])
def test_feed_prefers_upcoming_events_then_the_most_recent_past_ones(
    visitor, make_event, monkeypatch, query
):
    monkeypatch.setattr("parvis.agenda.feeds.MAX_EVENTS", 4)
    for day in (-40, -5, 4, 8):
        make_event(title=f"Jour {day}", start=in_days(day), status=EventStatus.PUBLISHED)
    # A weekly event that began before the window still has dates to come: it comes first.
    make_event(title="Hebdo", start=in_days(-100), rrule="FREQ=WEEKLY;COUNT=20")

    calendar, _ = fetch(visitor, f"/agenda/flux.ics{query}")

    assert [str(v["SUMMARY"]) for v in calendar.walk("VEVENT")] == [
        "Hebdo",
        "Jour -5",
        "Jour 4",
        "Jour 8",
    ]


HOSTILE_TEXT = (
    "Ligne 1, avec virgule; point-virgule \\ antislash\r\nLigne 2\tavec tabulation\x07\x1b"
    + " — Été à Beauvais 🎉 " * 12
)


def test_text_is_escaped_folded_and_parsed_back_unchanged(visitor, make_event, association):
    association.name = "Comité, des fêtes; de Beauvais"
    association.save(update_fields=["name"])
    make_event(
        title="Fête; de la musique, à l'école \\ 🎶" * 4,
        description=HOSTILE_TEXT,
        venue_name="Salle « Les Tilleuls », 1er étage",
        organisation=association,
        is_free=False,
        price="5 €; 3 € réduit",
        external_url="https://example.org/fete?a=1,b=2;c",
    )

    calendar, body = fetch(visitor, "/agenda/flux.ics")

    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    body.decode("utf-8")  # never cut inside a character
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Fête; de la musique, à l'école \\ 🎶" * 4
    description = str(vevent["DESCRIPTION"])
    assert "Ligne 1, avec virgule; point-virgule \\ antislash\nLigne 2\tavec tabulation" in (
        description
    )
    assert "\x07" not in description and "\x1b" not in description
    assert "Été à Beauvais 🎉" in description
    assert "Comité, des fêtes; de Beauvais" in description
    assert "5 €; 3 € réduit" in description
    assert "https://example.org/fete?a=1,b=2;c" in description
    assert str(vevent["LOCATION"]).startswith("Salle « Les Tilleuls », 1er étage, ")
    assert str(vevent["LOCATION"]).endswith("60000 Beauvais")


def test_a_changed_event_is_never_served_from_a_stale_cache(
    visitor, make_event, association, association_manager
):
    from parvis.agenda.services import event_update

    event = make_event(title="Avant", organisation=association)
    first, _ = fetch(visitor, "/agenda/flux.ics")  # the VEVENT text is now cached
    assert set(vevents(first)) == {"Avant"}

    event_update(event=event, editor=association_manager, data={"title": "Après"})
    association.name = "Nouveau nom de l'association"
    association.save(update_fields=["name"])

    second, _ = fetch(visitor, "/agenda/flux.ics")
    vevent = vevents(second)["Après"]
    assert "Nouveau nom de l'association" in str(vevent["DESCRIPTION"])


def test_the_feed_is_the_same_without_a_cache_for_its_texts(visitor, make_event, settings):
    make_event(title="Marché", rrule="FREQ=WEEKLY;COUNT=4", exdates=[])
    make_event(title="Loto", status=EventStatus.CANCELLED, cancellation_reason="Annulé.")
    _, with_redis = fetch(visitor, "/agenda/flux.ics")

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "parvis_cache",
        }
    }
    _, without = fetch(visitor, "/agenda/flux.ics")

    def stable(body):  # DTSTAMP is the time of the request
        return [line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP")]

    assert stable(without) == stable(with_redis)
