"""Key journey of the agenda: an association manager proposes a weekly event; a visitor finds
it in the month view by category and commune, opens it and adds it to their calendar (.ics) —
with axe-core checking every agenda page visited (WCAG 2.1 A/AA)."""

import calendar
import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parvis.agenda.models import Category, Event, EventStatus

from ..agenda.conftest import PARIS, create_event
from ..factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Atelier couture solidaire"
WEEKS = 6


def label(page, *names, exact=True):
    """The form control labelled by one of ``names`` (French first; English when a label is
    not translated yet)."""
    pattern = "|".join(re.escape(name) for name in names)
    return page.get_by_label(re.compile(f"^\\s*({pattern})\\s*:?\\s*$" if exact else pattern))


def grid_end(day):
    """The last day the month grid of ``day``'s month shows (a Sunday)."""
    return calendar.Calendar().monthdatescalendar(day.year, day.month)[-1][-1]


@pytest.fixture
def categories(db):
    # Transactional tests empty the tables the migrations filled: put the categories back.
    for position, (slug, name) in enumerate([("culture", "Culture"), ("sport", "Sport")]):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def test_manager_proposes_a_weekly_event_and_a_visitor_adds_it_to_their_calendar(
    live_server, browser, page, assert_accessible, association, association_manager, categories
):
    start = timezone.localdate() + dt.timedelta(days=1)

    # --- The association manager logs in and proposes a weekly event -------------------------
    page.goto(f"{live_server.url}/compte/login/?next=/agenda/proposer/")
    label(page, "Courriel", "Adresse e-mail", "E-mail", "Email").fill(association_manager.email)
    label(page, "Mot de passe", "Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/agenda/proposer/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    title = label(page, "Titre", "Title")
    title.click()
    page.keyboard.type(TITLE)
    label(page, "Catégorie", "Category").select_option(label="Culture")
    label(page, "Description").fill(
        "Venez apprendre à **réparer** et transformer vos vêtements, chaque semaine."
    )
    label(page, "Organisateur", "Organiser").select_option(label=association.name)
    label(page, "Date de début", "Start date").fill(start.isoformat())
    label(page, "Heure de début", "Start time").fill("18:30")
    label(page, "Heure de fin", "End time").fill("20:30")
    label(page, "Répétition", "Repeats").select_option("weekly")
    label(page, "Après un nombre de dates", "After a number of dates").check()
    label(page, "Nombre de dates", "Number of dates").fill(str(WEEKS))
    label(page, "Lieu", "Venue").fill("Maison des associations")
    label(page, "Adresse", "Address").fill("12 rue de la République")
    commune = label(page, "Commune")
    commune.fill("Beauvais (60000)")
    commune.press("Tab")
    assert label(page, "Gratuit", "Free").is_checked()
    page.get_by_role("button", name=re.compile("Soumettre l.événement|Submit the event")).click()

    page.wait_for_url(re.compile(r"/agenda/\d+-atelier-couture-solidaire/$"))
    event = Event.objects.get(title=TITLE)
    assert event.status == EventStatus.PUBLISHED  # a verified association: published at once
    assert event.organisation == association
    assert event.rrule.startswith("FREQ=WEEKLY") and f"COUNT={WEEKS}" in event.rrule
    assert event.occurrences.count() == WEEKS
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert_accessible(page)

    # Five more events that evening: the day's cell shows four and links to the rest.
    for minutes in range(5):
        create_event(
            title=f"Concert {minutes + 1}",
            created_by=association_manager,
            commune=association.commune,
            start=dt.datetime.combine(start, dt.time(19, minutes), tzinfo=PARIS),
        )

    # --- A visitor finds it in the month view, filtered by category and commune --------------
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", accept_downloads=True)
    visitor = context.new_page()
    visitor.set_default_timeout(15_000)
    visitor_errors = []
    visitor.on("console", lambda m: visitor_errors.append(m.text) if m.type == "error" else None)
    try:
        visitor.goto(f"{live_server.url}/agenda/mois/")
        visitor.wait_for_url(re.compile(r"/agenda/mois/\d{4}-\d{2}/$"))
        expect(visitor.get_by_role("table")).to_be_visible()
        assert_accessible(visitor)

        visitor.locator("details.filter-panel > summary").click()  # filters fold behind a button
        label(visitor, "Catégorie", "Category").select_option(label="Culture")
        label(visitor, "Commune").fill("Beauvais")
        show = re.compile("Afficher les événements|Show events")
        visitor.get_by_role("button", name=show).click()
        visitor.wait_for_url(re.compile(r"/agenda/mois/\d{4}-\d{2}/\?.*category=culture"))
        assert "commune=Beauvais" in visitor.url
        if start + dt.timedelta(weeks=1) > grid_end(start):  # the second date is next month
            visitor.locator("a[rel=next]").first.click()
            visitor.wait_for_url(re.compile(r"category=culture"))
        grid = visitor.get_by_role("table")
        dates = grid.get_by_role("link", name=re.compile(TITLE))
        assert dates.count() >= 2, "several weekly dates in the month grid"
        more = grid.locator(f"a.day-more[href^='/agenda/jour/{start:%Y-%m-%d}/']")
        assert re.match(r"\+\s?2\b", more.inner_text())
        assert f" {start.day} " in more.inner_text()  # its text says the date
        assert_accessible(visitor)

        # --- ... opens it and adds it to their calendar --------------------------------------
        dates.first.click()
        visitor.wait_for_url(re.compile(r"/agenda/\d+-atelier-couture-solidaire/$"))
        expect(visitor.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
        assert_accessible(visitor)
        with visitor.expect_download() as download_info:
            visitor.get_by_role("link", name=re.compile("Ajouter à mon agenda|Add to my")).click()
        download = download_info.value
        assert download.suggested_filename.endswith(".ics")
        ics = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
        (zone,) = ics.walk("VTIMEZONE")
        assert str(zone["TZID"]) == "Europe/Paris"
        (vevent,) = ics.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == TITLE
        assert vevent["RRULE"]["FREQ"] == ["WEEKLY"]
        assert vevent["RRULE"]["COUNT"] == [WEEKS]
        assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
        assert vevent.decoded("DTSTART").date() == start
        assert vevent.decoded("DTSTART").strftime("%H:%M") == "18:30"
        assert association.name in str(vevent["DESCRIPTION"])

        # --- ... and the list view keeps the filters -----------------------------------------
        visitor.go_back()
        visitor.wait_for_url(re.compile(r"/agenda/mois/.*category=culture"))
        views_name = re.compile("Affichages de l.agenda|Agenda views")
        views = visitor.get_by_role("navigation", name=views_name)
        views.get_by_role("link", name=re.compile(r"^\s*(Liste|List)\s*$")).click()
        visitor.wait_for_url(re.compile(r"/agenda/\?.*category=culture"))
        assert "commune=Beauvais" in visitor.url
        assert visitor.get_by_role("link", name=TITLE).count() >= 2
        assert_accessible(visitor)
        errors = page.csp_errors + visitor_errors
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
