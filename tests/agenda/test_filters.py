"""Filtering the agenda: every filter, alone and combined, in the URL; bad values ignored
with a message, never an error; "near me" for members."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.utils import timezone

from parvis.agenda.filters import filter_occurrences, parse_filters
from parvis.agenda.models import Category
from parvis.agenda.selectors import public_occurrences

from .conftest import PARIS

pytestmark = pytest.mark.django_db
#: What htmx sends when a member changes the agenda's filter form.
FILTER_FORM = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER": "agenda-filters"}


def in_days(n, hour=18):
    return dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=n), dt.time(hour), tzinfo=PARIS
    )


def titles(params, user=None):
    filters = parse_filters(QueryDict(params), user)
    occurrences = filter_occurrences(public_occurrences(), filters).order_by("start", "pk")
    return [o.event.title for o in occurrences]


def listed(client, params=""):
    text = client.get(f"/agenda/?{params}").content.decode()
    return text


@pytest.fixture
def events(make_event, oise, association, other_resident):
    sport = Category.objects.get(slug="sport")
    return {
        "concert": make_event(title="Concert à Beauvais", start=in_days(1)),
        "match": make_event(
            title="Match de handball",
            category=sport,
            commune=oise["compiegne"],
            created_by=other_resident,
            is_free=False,
            price="5 €",
            start=in_days(2),
        ),
        "brocante": make_event(
            title="Brocante de Margny",
            category=Category.objects.get(slug="vie-associative"),
            commune=oise["margny"],
            created_by=other_resident,
            start=in_days(20),
        ),
        "expo": make_event(
            title="Exposition des Amis",
            organisation=association,
            description="Peintures et éléphants du Beauvaisis",
            start=in_days(40),
        ),
    }


def test_no_filter_lists_everything(events):
    assert titles("") == [
        "Concert à Beauvais",
        "Match de handball",
        "Brocante de Margny",
        "Exposition des Amis",
    ]


def test_filter_by_category_and_several_categories(events):
    assert titles("category=sport") == ["Match de handball"]
    assert titles("category=sport&category=vie-associative") == [
        "Match de handball",
        "Brocante de Margny",
    ]


@pytest.mark.parametrize("value", ["Compiègne (60200)", "60159", "compiegne", "60200"])
def test_filter_by_commune_name_insee_or_postal_code(events, value):
    assert titles(urlencode({"commune": value})) == ["Match de handball"]


def test_filter_by_commune_primary_key(events, oise):
    assert titles(f"commune={oise['margny'].pk}") == ["Brocante de Margny"]


def test_a_five_digit_primary_key_that_is_no_code_still_finds_its_commune(events, oise):
    """Territories' keys grow past 9,999 on a long-lived database (imports, tests)."""
    from parvis.territories.models import Territory

    margny = oise["margny"]
    big = Territory.objects.create(
        pk=54321,
        kind=margny.kind,
        code="60999",
        name="Commune test",
        slug="commune-test",
        departement=margny.departement,
    )
    assert titles(f"commune={big.pk}") == []  # found: no event there (not "all events")
    assert titles("commune=54321&category=sport") == []


def test_filter_by_epci_and_arrondissement_codes(events, oise):
    assert titles("epci=246000756") == ["Match de handball", "Brocante de Margny"]
    assert titles("arrondissement=601") == ["Concert à Beauvais", "Exposition des Amis"]


def test_filter_by_organiser_slug_or_name(events):
    assert titles("organiser=les-amis-du-beauvaisis") == ["Exposition des Amis"]
    assert titles("organiser=amis du beauv") == ["Exposition des Amis"]


def test_filter_free_only(events):
    assert "Match de handball" not in titles("free=1")
    assert len(titles("free=1")) == 3


def test_filter_by_date_range_inclusive(events):
    first = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    last = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    assert titles(f"from={first}&to={last}") == ["Match de handball", "Brocante de Margny"]


def test_search_words_in_title_and_description(events):
    assert titles("q=handball") == ["Match de handball"]
    assert titles("q=peintures beauv") == ["Exposition des Amis"]
    assert titles("q=peintures handball") == []


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("elephant", ["Exposition des Amis"]),
        ("ÉLÉPHANTS", ["Exposition des Amis"]),
        ("peinture", ["Exposition des Amis"]),
        ("CONCERTS", ["Concert à Beauvais", "Match de handball", "Brocante de Margny"]),
        ("beauvais", ["Concert à Beauvais", "Exposition des Amis"]),
        ("hand", ["Match de handball"]),
        (
            "&|!:*()",
            [
                "Concert à Beauvais",
                "Match de handball",
                "Brocante de Margny",
                "Exposition des Amis",
            ],
        ),
    ],
)
def test_full_text_search_stems_and_ignores_accents(events, text, expected):
    assert titles(urlencode({"q": text})) == (expected)


def test_filters_combine(events):
    assert titles("epci=246000756&free=1") == ["Brocante de Margny"]
    assert titles("category=culture&commune=60057&q=concert") == ["Concert à Beauvais"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ("from=2026-13-45", "from"),
        ("to=hier", "to"),
        ("from=0001-01-01", "from"),
        ("to=9999-12-31", "to"),
        ("category=inconnue", "category"),
        ("commune=Atlantis", "commune"),
        ("commune=999999999999999999999999", "commune"),
        ("commune=42", "commune"),
        ("epci=123", "epci"),
        ("arrondissement=abc", "arrondissement"),
        ("q=" + "x" * 300, "q"),
        ("q=%00", "q"),
    ],
)
def test_malformed_filter_is_ignored_with_a_message(client, events, params, field):
    filters = parse_filters(QueryDict(params), None)
    assert field in filters.errors
    assert len(titles(params)) == 4
    response = client.get(f"/agenda/?{params}")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    for view in (
        "/agenda/mois/2027-01/",
        "/agenda/semaine/2027-01-04/",
        "/agenda/jour/2027-01-04/",
    ):
        assert client.get(f"{view}?{params}").status_code == 200


def test_end_date_before_start_date_is_reported(events):
    filters = parse_filters(QueryDict("from=2027-05-10&to=2027-05-01"), None)
    assert "to" in filters.errors
    assert filters.date_from == dt.date(2027, 5, 10)
    assert filters.date_to is None


def test_parse_filters_accepts_a_plain_dict(events):
    filters = parse_filters({"category": "sport", "free": "1"}, None)
    assert filters.categories == ("sport",)
    assert filters.free is True


def test_filter_form_keeps_the_chosen_values(client, events):
    text = listed(client, "category=sport&free=1&q=match&from=2027-01-02")
    assert '<option value="sport" selected>' in text
    assert 'name="free" id="id_free" checked' in text or "checked" in text
    assert 'value="match"' in text
    assert 'value="2027-01-02"' in text


# --- near me ---------------------------------------------------------------------------------


def test_near_me_shows_the_members_intercommunality(events, other_resident):
    # Compiègne's resident: Compiègne and Margny are in the same EPCI, Beauvais is not.
    assert titles("near=1", other_resident) == ["Match de handball", "Brocante de Margny"]


def test_near_me_includes_events_targeted_at_the_members_territories(
    make_event, events, resident, other_resident, oise
):
    forum = make_event(title="Forum de l'emploi", commune=oise["margny"], start=in_days(3))
    forum.audience.set([oise["arrondissements"][0]])  # targets Beauvais's arrondissement
    near_beauvais = titles("near=1", resident)
    assert "Forum de l'emploi" in near_beauvais
    assert "Brocante de Margny" not in near_beauvais
    assert "Forum de l'emploi" in titles("near=1", other_resident)  # Margny is in their EPCI


def test_near_me_is_ignored_for_visitors(client, events):
    assert len(titles("near=1")) == 4
    text = listed(client, "near=1")
    assert 'name="near"' not in text
    assert "Concert à Beauvais" in text


def test_near_me_checkbox_is_offered_to_members(login, resident, events):
    text = login(resident).get("/agenda/").content.decode()
    assert 'name="near"' in text
    text = login(resident).get("/agenda/?near=1").content.decode()
    assert "Concert à Beauvais" in text
    assert "Match de handball" not in text


def test_a_member_changing_a_filter_gets_the_results_in_place(
    events, login, resident, client, django_assert_max_num_queries
):
    """htmx (members only): the filters and results swap in place, the URL stays shareable
    (``hx-push-url``); visitors' pages carry no htmx and always answer the full page."""
    visitor = client.get("/agenda/?free=1", HTTP_HX_REQUEST="true").content.decode()
    assert "<main" in visitor and "hx-get" not in visitor
    member = login(resident)
    page = member.get("/agenda/").content.decode()
    assert 'hx-get="/agenda/" hx-trigger="change, submit" hx-target="#agenda-found"' in page
    assert 'hx-push-url="true"' in page
    with django_assert_max_num_queries(25):
        swapped = member.get("/agenda/?free=1", **FILTER_FORM)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert (
        html.startswith('<div id="agenda-found">') and '<details class="filter-panel" open>' in html
    )
    assert "Concert à Beauvais" in html and "Match de handball" not in html
    assert "3 dates" in html and 'id="live-status"' in html
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    # Bad input: the message next to the filter, in the fragment; never a 500.
    bad = member.get("/agenda/?commune=Atlantis", **FILTER_FORM).content.decode()
    assert 'role="alert"' in bad and "<main" not in bad and "4 dates" in bad


@pytest.mark.parametrize("view", ["mois", "semaine", "jour"])
def test_a_member_changes_period_or_filter_in_place_on_the_calendar_views(
    events, login, resident, client, view, django_assert_max_num_queries
):
    """Month, week and day: the previous/next links and the filters swap ``#agenda-found``
    (with the new title) for members; visitors and plain requests get the whole page."""
    path = client.get(f"/agenda/{view}/").url.split("?")[0]
    visitor = client.get(path, HTTP_HX_REQUEST="true").content.decode()
    assert "<main" in visitor and "hx-get" not in visitor
    member = login(resident)
    page = member.get(path + "?free=1").content.decode()
    assert 'id="agenda-previous"' in page and 'id="agenda-next"' in page
    assert 'hx-target="#agenda-found"' in page and 'hx-push-url="true"' in page
    with django_assert_max_num_queries(25):
        swapped = member.get(path + "?free=1", HTTP_HX_REQUEST="true")
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith("<title>") and '<div id="agenda-found">' in html
    assert 'id="live-status"' in html and "?free=1" in html  # the links keep the filter
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    assert '<details class="filter-panel">' in html  # another period: the panel stays folded
    form = member.get(path + "?free=1", HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="agenda-filters")
    assert '<details class="filter-panel" open>' in form.content.decode()
    # Without JavaScript the same address is the whole page.
    assert "<main" in member.get(path + "?free=1").content.decode()
