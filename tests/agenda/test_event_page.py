"""The event page: who sees it, what it shows, and what it tells machines (JSON-LD, Open Graph)."""

import datetime as dt
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from parvis.agenda.models import EventStatus
from parvis.territories.models import Territory

from .conftest import PARIS

pytestmark = pytest.mark.django_db

PERSONAS = ["visitor", "resident", "other_resident", "official", "association_manager", "moderator"]


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """Assert on the English msgids, whatever the French catalogue holds."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def as_persona(request, login, client):
    """``as_persona(name)``: the test client, logged in as that persona (or anonymous)."""

    def _as(name):
        if name == "visitor":
            return client
        return login(request.getfixturevalue(name))

    return _as


def page_of(client, event, **params):
    response = client.get(event.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def jsonld_of(html):
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def meta(html, prop):
    match = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)"', html)
    return match.group(1) if match else None


# --- Visibility ------------------------------------------------------------------------------

# Who organises: the association manager (created_by). Moderators see everything.
VISIBLE = {
    EventStatus.PUBLISHED: set(PERSONAS),
    EventStatus.CANCELLED: set(PERSONAS),
    EventStatus.SUBMITTED: {"association_manager", "moderator"},
    EventStatus.REJECTED: {"association_manager", "moderator"},
    EventStatus.DRAFT: {"association_manager", "moderator"},
}


@pytest.mark.parametrize("status", list(VISIBLE))
@pytest.mark.parametrize("persona", PERSONAS)
def test_event_page_visibility_by_status_and_persona(make_event, as_persona, status, persona):
    event = make_event(status=status)

    response = as_persona(persona).get(event.get_absolute_url())

    expected = 200 if persona in VISIBLE[status] else 404
    assert response.status_code == expected
    if expected == 200:
        assert event.title in response.content.decode().replace("&#x27;", "'")


def test_organisation_team_member_sees_the_organisation_event_awaiting_review(
    make_event, association, official, login
):
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=association, user=official, role="editor")
    event = make_event(status=EventStatus.SUBMITTED, organisation=association)

    assert login(official).get(event.get_absolute_url()).status_code == 200


def test_unknown_event_answers_404(visitor):
    assert visitor.get("/agenda/999999-rien/").status_code == 404


def test_wrong_slug_redirects_permanently(make_event, visitor):
    event = make_event()

    response = visitor.get(f"/agenda/{event.pk}-ancien-titre/")

    assert response.status_code == 301
    assert response.url == event.get_absolute_url()


def test_wrong_slug_of_hidden_event_answers_404(make_event, visitor):
    event = make_event(status=EventStatus.SUBMITTED)

    assert visitor.get(f"/agenda/{event.pk}-ancien-titre/").status_code == 404


# --- Status banners --------------------------------------------------------------------------


def test_cancelled_event_is_clearly_marked_with_its_reason(make_event, visitor):
    event = make_event(status=EventStatus.CANCELLED, cancellation_reason="Alerte orange vent.")

    html = page_of(visitor, event)

    assert "This event is cancelled." in html
    assert "Alerte orange vent." in html
    assert "<title>Cancelled:" in html
    assert "EventCancelled" in jsonld_of(html)["eventStatus"]


def test_awaiting_review_banner_shown_to_organiser(make_event, association_manager, login):
    event = make_event(status=EventStatus.SUBMITTED)

    html = page_of(login(association_manager), event)

    assert "This event is awaiting review by a moderator." in html


def test_rejected_banner_shows_reason_to_organiser(make_event, association_manager, login):
    event = make_event(status=EventStatus.REJECTED, rejection_reason="Il manque l'adresse.")

    html = page_of(login(association_manager), event)

    assert "A moderator rejected this event." in html
    assert "Il manque l&#x27;adresse." in html


def test_published_event_has_no_status_banner(make_event, association_manager, login):
    html = page_of(login(association_manager), make_event())

    assert "awaiting review" not in html
    assert "This event is cancelled." not in html


# --- Content ---------------------------------------------------------------------------------


def test_page_shows_organiser_category_place_and_practical_information(
    make_event, visitor, beauvais, association
):
    event = make_event(
        organisation=association,
        is_free=False,
        price="5 € ; 3 € tarif réduit",
        accessibility=["wheelchair", "induction_loop", "not-a-code"],
        accessibility_details="Entrée côté parking.",
        external_url="https://harmonie.example.org/concert",
        capacity=80,
    )
    event.audience.set([beauvais])

    html = page_of(visitor, event)

    assert "Culture" in html
    assert f'href="{association.get_absolute_url()}"' in html
    assert "Verified" in html
    assert "Salle des fêtes" in html
    assert "1 place de l&#x27;Hôtel de Ville" in html
    assert 'href="/communes/60057-beauvais/"' in html
    assert "5 € ; 3 € tarif réduit" in html
    assert "Wheelchair access" in html
    assert "Induction loop" in html
    assert "not-a-code" not in html
    assert "Entrée côté parking." in html
    assert (
        'href="https://harmonie.example.org/concert" rel="noopener noreferrer nofollow ugc"' in html
    )
    assert "80 places per date" in html
    assert "80 places left" in html


def test_member_organiser_links_to_public_profile_with_official_badge(
    make_event, official, visitor, compiegne
):
    from parvis.accounts.models import DirectoryVisibility

    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.save(update_fields=["directory_visibility"])
    event = make_event(created_by=official, commune=compiegne)

    html = page_of(visitor, event)

    assert f'href="{official.get_absolute_url()}"' in html
    assert "Verified elected official" in html


def test_member_profile_not_linked_when_hidden_from_visitor(make_event, resident, visitor):
    event = make_event(created_by=resident)

    html = page_of(visitor, event)

    assert "Camille Martin" in html
    assert resident.get_absolute_url() not in html


def test_free_event_says_free_and_whole_departement_without_audience(make_event, visitor):
    html = page_of(visitor, make_event(is_free=True))

    assert "Free" in html
    assert "The whole département" in html


def test_openstreetmap_link_searches_address_and_commune(make_event, visitor):
    event = make_event(address="12 rue de la Madeleine")

    html = page_of(visitor, event)

    match = re.search(r'href="(https://www\.openstreetmap\.org/search\?[^"]+)"', html)
    assert match
    query = parse_qs(urlparse(match.group(1).replace("&amp;", "&")).query)["query"][0]
    assert query == "12 rue de la Madeleine, 60000 Beauvais"


def test_add_to_calendar_and_share_links(make_event, visitor):
    event = make_event()
    absolute = settings.PARVIS_SITE_URL + event.get_absolute_url()

    html = page_of(visitor, event)

    ics = reverse("agenda:event_ics", kwargs={"pk": event.pk, "slug": event.slug})
    assert f'href="{ics}"' in html
    assert "Add to my calendar" in html
    assert 'href="mailto:?subject=' in html
    encoded = absolute.replace(":", "%3A").replace("/", "%2F")
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={encoded}" in html
    assert f"https://www.facebook.com/sharer/sharer.php?u={encoded}" in html
    assert f'action="{reverse("share_mastodon")}"' in html  # asks the member's instance
    assert f'value="{absolute}" readonly' in html  # the link to copy, without JavaScript
    # No third-party script: only the site's own static files.
    assert all(src.startswith("/static/") for src in re.findall(r'<script src="([^"]*)"', html))


def test_recurring_event_lists_next_ten_dates_with_see_more(make_event, visitor):
    event = make_event(rrule="FREQ=WEEKLY;COUNT=15")

    html = page_of(visitor, event)
    assert html.count("<li>\n            <time") + html.count("<li>\n            from") <= 10
    assert "See all the dates" in html
    assert html.count("<time datetime=") == 10

    all_dates = page_of(visitor, event, dates="toutes")
    assert all_dates.count("<time datetime=") == 15
    assert "See all the dates" not in all_dates


def test_past_dates_are_not_listed_once_over(make_event, visitor):
    start = dt.datetime.combine(
        timezone.localdate() - dt.timedelta(days=10), dt.time(18, 0), tzinfo=PARIS
    )
    event = make_event(start=start, end=start + dt.timedelta(hours=2), rrule="FREQ=WEEKLY;COUNT=4")

    html = page_of(visitor, event)

    assert html.count("<time datetime=") == 2


def test_event_entirely_past_still_shows_its_date(make_event, resident, login):
    start = dt.datetime.combine(
        timezone.localdate() - dt.timedelta(days=20), dt.time(18, 0), tzinfo=PARIS
    )
    event = make_event(start=start, end=start + dt.timedelta(hours=2))

    html = page_of(login(resident), event)

    assert html.count("<time datetime=") == 1
    assert "past" in html
    assert 'name="occurrence"' not in html


def test_all_day_event_shows_days_without_hours(make_event, visitor):
    first = timezone.localdate() + dt.timedelta(days=5)
    start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=PARIS)
    end = dt.datetime.combine(first + dt.timedelta(days=2), dt.time(23, 59), tzinfo=PARIS)
    event = make_event(start=start, end=end, all_day=True)

    html = page_of(visitor, event)

    assert "from " in html
    assert "00:00" not in html
    assert "23:59" not in html
    data = jsonld_of(html)
    assert data["startDate"] == first.isoformat()
    assert data["endDate"] == (first + dt.timedelta(days=2)).isoformat()


def test_single_all_day_event_says_all_day(make_event, visitor):
    day = timezone.localdate() + dt.timedelta(days=5)
    event = make_event(
        start=dt.datetime.combine(day, dt.time(0, 0), tzinfo=PARIS),
        end=dt.datetime.combine(day, dt.time(23, 59), tzinfo=PARIS),
        all_day=True,
    )

    assert "all day" in page_of(visitor, event)


def test_edit_and_cancel_links_for_organiser_only(make_event, association_manager, resident, login):
    event = make_event()
    edit = reverse("agenda:edit", kwargs={"pk": event.pk, "slug": event.slug})
    cancel = reverse("agenda:cancel", kwargs={"pk": event.pk, "slug": event.slug})

    organiser_page = page_of(login(association_manager), event)
    member_page = page_of(login(resident), event)

    assert edit in organiser_page and cancel in organiser_page
    assert edit not in member_page and cancel not in member_page


def test_image_has_alt_text_and_og_image(make_event, visitor):
    from django.core.files.base import ContentFile

    event = make_event()
    event.image.save("x.jpg", ContentFile(b"not really a jpeg"), save=True)

    html = page_of(visitor, event)

    assert re.search(r'<img class="event-image" src="[^"]+" alt="Illustration of the event', html)
    assert meta(html, "og:image").startswith("http://testserver/")
    assert jsonld_of(html)["image"][0].startswith("http://testserver/")


# --- Hostile Markdown ------------------------------------------------------------------------

HOSTILE = """
# Titre

<script>alert('x')</script>
<img src=x onerror="alert(1)">
[clic](javascript:alert(1))
[data](data:text/html;base64,PHNjcmlwdD4=)
<iframe src="https://evil.example"></iframe>
<a href="#" onclick="steal()">lien</a>
</script><script>alert(2)</script>
**gras**
"""


def test_hostile_markdown_is_rendered_safe(make_event, visitor):
    event = make_event(description=HOSTILE, title="</script><script>alert(3)</script>")

    html = page_of(visitor, event)

    assert "<script>alert" not in html
    assert "onerror=" not in html
    assert "onclick=" not in html
    assert "javascript:" not in html
    assert "data:text/html" not in html
    assert "<iframe" not in html
    assert "<strong>gras</strong>" in html
    assert "<h2>Titre</h2>" in html
    # The JSON-LD still parses and cannot be closed from inside.
    data = jsonld_of(html)
    assert data["name"] == "</script><script>alert(3)</script>"


# --- JSON-LD and Open Graph ------------------------------------------------------------------


def test_jsonld_describes_the_event(make_event, visitor, association):
    event = make_event(organisation=association, capacity=50, is_free=False, price="Entrée 7,50 €")

    html = page_of(visitor, event)
    data = jsonld_of(html)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == event.title
    assert data["url"] == "http://testserver" + event.get_absolute_url()
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["startDate"] == timezone.localtime(event.start).isoformat()
    assert data["endDate"] == timezone.localtime(event.end).isoformat()
    assert data["location"]["@type"] == "Place"
    assert data["location"]["name"] == "Salle des fêtes"
    address = data["location"]["address"]
    assert address["@type"] == "PostalAddress"
    assert address["streetAddress"] == "1 place de l'Hôtel de Ville"
    assert address["addressLocality"] == "Beauvais"
    assert address["postalCode"] == "60000"
    assert address["addressCountry"] == "FR"
    assert data["organizer"]["@type"] == "Organization"
    assert data["organizer"]["name"] == association.name
    assert data["organizer"]["url"].endswith(association.get_absolute_url())
    assert data["offers"]["price"] == "7.50"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["isAccessibleForFree"] is False
    assert data["description"].startswith("Un concert gratuit")
    assert data["maximumAttendeeCapacity"] == 50


def test_jsonld_of_free_event_by_member(make_event, visitor, resident):
    data = jsonld_of(page_of(visitor, make_event(created_by=resident)))

    assert data["organizer"] == {"@type": "Person", "name": "Camille Martin"}
    assert data["offers"]["price"] == "0"
    assert data["isAccessibleForFree"] is True


def test_jsonld_script_carries_the_csp_nonce(make_event, visitor):
    response = visitor.get(make_event().get_absolute_url())
    html = response.content.decode()

    nonce = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">', html)
    assert nonce
    assert f"'nonce-{nonce.group(1)}'" in response.headers["Content-Security-Policy"]


def test_jsonld_of_recurring_event_uses_next_date(make_event, visitor):
    start = dt.datetime.combine(
        timezone.localdate() - dt.timedelta(days=7), dt.time(18, 0), tzinfo=PARIS
    )
    event = make_event(start=start, end=start + dt.timedelta(hours=2), rrule="FREQ=WEEKLY;COUNT=3")
    # The page names the first date not yet over (an evening under way is still "next").
    upcoming = event.occurrences.filter(end__gt=timezone.now()).order_by("start").first()

    data = jsonld_of(page_of(visitor, event))

    assert data["startDate"] == timezone.localtime(upcoming.start).isoformat()


def test_open_graph_tags(make_event, visitor):
    event = make_event(description="Un **concert** en plein air, *gratuit*.")

    html = page_of(visitor, event)

    assert meta(html, "og:title") == "Concert de l&#x27;harmonie"
    assert meta(html, "og:description") == "Un concert en plein air, gratuit."
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:url") == "http://testserver" + event.get_absolute_url()
    assert meta(html, "og:image") is None


def test_hidden_event_page_has_no_jsonld_and_is_not_indexed(make_event, association_manager, login):
    html = page_of(login(association_manager), make_event(status=EventStatus.SUBMITTED))

    assert "application/ld+json" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_target_territories_are_listed(make_event, visitor, oise):
    event = make_event()
    event.audience.set([oise["compiegne"], Territory.objects.get(code="246000756")])

    html = page_of(visitor, event)

    assert "Compiègne" in html
    assert "CA de la Région de Compiègne et de la Basse Automne" in html
