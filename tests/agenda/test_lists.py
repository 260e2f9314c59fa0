"""The agenda's list, month, week and day pages: what a visitor sees, and bad URLs."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from parvis.agenda.models import EventStatus

from .conftest import PARIS

pytestmark = pytest.mark.django_db


def at(day, hour=18, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def in_days(n, hour=18):
    return at(timezone.localdate() + dt.timedelta(days=n), hour)


def test_upcoming_list_shows_public_events_soonest_first(client, make_event):
    make_event(title="Fête de la musique", start=in_days(5))
    make_event(title="Bourse aux livres", start=in_days(2))
    make_event(title="Brouillon secret", start=in_days(1), status=EventStatus.DRAFT)
    make_event(title="En attente", start=in_days(1), status=EventStatus.SUBMITTED)
    make_event(title="Refusé", start=in_days(1), status=EventStatus.REJECTED)
    response = client.get("/agenda/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("Bourse aux livres") < text.index("Fête de la musique")
    for hidden in ("Brouillon secret", "En attente", "Refusé"):
        assert hidden not in text


def test_cancelled_events_stay_listed_and_are_marked(client, make_event):
    make_event(title="Loto annulé", start=in_days(3), status=EventStatus.CANCELLED)
    response = client.get("/agenda/")
    assert "Loto annulé" in response.content.decode()
    assert "Cancelled" in response.content.decode() or "Annulé" in response.content.decode()


def test_past_events_are_not_upcoming(client, make_event):
    make_event(title="Passé", start=in_days(-3))
    make_event(title="Futur", start=in_days(3))
    text = client.get("/agenda/").content.decode()
    assert "Futur" in text
    assert "Passé" not in text


def test_a_weekly_event_appears_once_per_date(client, make_event):
    make_event(title="Yoga du jeudi", start=in_days(1), rrule="FREQ=WEEKLY;COUNT=3")
    text = client.get("/agenda/").content.decode()
    assert text.count("Yoga du jeudi</a>") == 3


def test_upcoming_list_is_paginated_by_twenty(client, make_event):
    for i in range(25):
        make_event(title=f"Atelier {i:02d}", start=in_days(1 + i))
    first = client.get("/agenda/").content.decode()
    assert "Atelier 19" in first
    assert "Atelier 20" not in first
    second = client.get("/agenda/", {"page": 2}).content.decode()
    assert "Atelier 20" in second
    assert "Atelier 19" not in second


@pytest.mark.parametrize("page", ["999", "-1", "abc", "", "1e9", "0"])
def test_out_of_range_or_malformed_page_shows_a_page_not_an_error(client, make_event, page):
    make_event(title="Concert", start=in_days(1))
    response = client.get("/agenda/", {"page": page})
    assert response.status_code == 200
    assert "Concert" in response.content.decode()


def test_pagination_links_keep_the_filters(client, make_event):
    for i in range(25):
        make_event(title=f"Match {i}", start=in_days(1 + i))
    response = client.get("/agenda/", {"category": "culture"})
    assert "category=culture&amp;page=2" in response.content.decode()


def test_month_grid_is_an_accessible_table_with_day_links(client, make_event):
    start = in_days(0).replace(day=15, hour=20)
    make_event(title="Cinéma en plein air", start=start)
    response = client.get(f"/agenda/mois/{start:%Y-%m}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<caption>" in text
    assert text.count('<th scope="col">') == 7
    assert f'href="/agenda/jour/{start:%Y-%m-%d}/"' in text.replace("%2D", "-")
    assert "Cinéma en plein air" in text


def test_month_grid_marks_today(client):
    today = timezone.localdate()
    text = client.get(f"/agenda/mois/{today:%Y-%m}/").content.decode()
    assert text.count('aria-current="date"') == 1


def test_month_grid_links_to_previous_and_next_months_with_the_filters(client, oise):
    text = client.get("/agenda/mois/2027-01/", {"category": "sport"}).content.decode()
    assert 'href="/agenda/mois/2026-12/?category=sport"' in text
    assert 'href="/agenda/mois/2027-02/?category=sport"' in text


@pytest.mark.parametrize("query", ["", "?category=culture"])
def test_month_grid_shows_four_events_per_day_and_links_to_the_rest(
    client, make_event, settings, query
):
    settings.LANGUAGE_CODE = "en"
    day = timezone.localdate() + dt.timedelta(days=3)
    for hour in range(8, 15):
        make_event(title=f"Séance {hour}h", start=at(day, hour))
    text = client.get(f"/agenda/mois/{day:%Y-%m}/{query}").content.decode()
    assert "Séance 11h" in text
    assert "Séance 12h" not in text
    day_url = f"/agenda/jour/{day:%Y-%m-%d}/{query}"
    more = re.search(rf'<a class="day-more" href="{re.escape(day_url)}">(.*?)</a>', text, re.S)
    assert more, "no “+N more” link to the day page"
    label = re.sub(r"<[^>]+>", "", more.group(1))
    assert label.startswith("+3 more")
    assert f"{day:%-d}" in label and day.strftime("%A") in label  # the link says the date


def test_month_grid_places_an_event_on_its_paris_day(client, make_event):
    # 23:30 in Paris is already the next day in UTC.
    make_event(title="Nuit des étoiles", start=dt.datetime(2027, 8, 12, 23, 30, tzinfo=PARIS))
    text = client.get("/agenda/jour/2027-08-12/").content.decode()
    assert "Nuit des étoiles" in text
    assert "Nuit des étoiles" not in client.get("/agenda/jour/2027-08-13/").content.decode()


def test_week_view_lists_the_seven_days(client, make_event):
    make_event(title="Randonnée", start=dt.datetime(2027, 3, 31, 9, 0, tzinfo=PARIS))
    response = client.get("/agenda/semaine/2027-04-01/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Randonnée" in text
    assert 'href="/agenda/semaine/2027-03-22/"' in text
    assert 'href="/agenda/semaine/2027-04-05/"' in text


def test_day_page_lists_the_events_of_the_day_only(client, make_event):
    make_event(title="Marché de Noël", start=dt.datetime(2027, 12, 18, 10, 0, tzinfo=PARIS))
    make_event(title="Veillée", start=dt.datetime(2027, 12, 19, 10, 0, tzinfo=PARIS))
    text = client.get("/agenda/jour/2027-12-18/").content.decode()
    assert "Marché de Noël" in text
    assert "Veillée" not in text


@pytest.mark.parametrize(
    "url",
    [
        "/agenda/mois/2027-13/",
        "/agenda/mois/2027-00/",
        "/agenda/mois/0000-01/",
        "/agenda/mois/99999-01/",
        "/agenda/semaine/2027-02-30/",
        "/agenda/jour/2027-02-29/",
        "/agenda/jour/2027-04-31/",
        "/agenda/jour/0001-01-01/",
        "/agenda/jour/9999-12-31/",
        "/agenda/jour/2027-1-1x/",
    ],
)
def test_invalid_dates_in_the_url_answer_404(client, oise, url):
    assert client.get(url).status_code == 404


def test_current_month_week_and_day_urls_redirect_keeping_filters(client, oise):
    today = timezone.localdate()
    response = client.get("/agenda/mois/", {"free": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/agenda/mois/{today:%Y-%m}/?free=1"
    assert client.get("/agenda/semaine/").status_code == 302
    assert client.get("/agenda/jour/").status_code == 302


def test_every_view_has_the_labelled_filter_form_and_the_feed_link(client, oise):
    for url in (
        "/agenda/",
        "/agenda/mois/2027-05/",
        "/agenda/semaine/2027-05-03/",
        "/agenda/jour/2027-05-03/",
    ):
        text = client.get(url, {"category": "sport", "free": "1"}).content.decode()
        for name in (
            "q",
            "category",
            "commune",
            "epci",
            "arrondissement",
            "organiser",
            "free",
            "from",
            "to",
        ):
            assert f'for="id_{name}"' in text, (url, name)
        assert 'href="/agenda/flux.ics?category=sport&amp;free=1"' in text
        # The links to the other views keep the filters.
        assert "/agenda/mois/" in text and "?category=sport&amp;free=1" in text


def test_main_menu_links_to_the_agenda(client, oise):
    text = client.get("/").content.decode()
    assert 'href="/agenda/"' in text


def test_a_huge_result_count_is_capped_and_says_more_than(client, make_event):
    for hour in (9, 14, 17):  # 3 × 400 daily dates
        make_event(title="Permanence", start=in_days(1, hour), rrule="FREQ=DAILY;COUNT=400")
    text = client.get("/agenda/").content.decode()
    assert "More than 1000 dates" in text or "Plus de 1000" in text
    assert client.get("/agenda/", {"page": 50}).status_code == 200
