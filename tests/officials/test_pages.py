"""/elus/ and /elus/<id>/: the verified elected officials and what they do."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.accounts.models import DirectoryVisibility, MandateRole, VerificationStatus
from parvis.organisations.models import OrganisationKind

from ..agenda.conftest import PARIS, create_event
from ..factories import MandateFactory, MembershipFactory, OrganisationFactory, UserFactory

LIST = "/elus/"


def page(official):
    return f"/elus/{official.pk}/"


def make_official(commune, *, last_name, role=MandateRole.MAYOR, territory=None, **fields):
    fields.setdefault("directory_visibility", DirectoryVisibility.PUBLIC)
    user = UserFactory(first_name="Élu", last_name=last_name, commune=commune, **fields)
    MandateFactory(user=user, role=role, territory=territory or commune)
    return user


def listed_names(response):
    assert response.status_code == 200
    return [official.last_name for official in response.context["page"].object_list]


@pytest.fixture
def officials(oise):
    """A mayor in each commune, an EPCI president and a departmental councillor, all public."""
    return {
        "beauvais": make_official(oise["beauvais"], last_name="Aubert"),
        "compiegne": make_official(oise["compiegne"], last_name="Bernard"),
        "margny": make_official(oise["margny"], last_name="Chevalier"),
        "arc": make_official(
            oise["margny"],
            last_name="Dumas",
            role=MandateRole.EPCI_PRESIDENT,
            territory=oise["epcis"][1],
        ),
        "departement": make_official(
            oise["beauvais"],
            last_name="Etienne",
            role=MandateRole.DEPARTMENTAL_COUNCILLOR,
            territory=oise["departement"],
        ),
    }


# --- The list ---------------------------------------------------------------------------------


def test_visitor_lists_the_verified_officials_by_name(visitor, officials):
    assert listed_names(visitor.get(LIST)) == ["Aubert", "Bernard", "Chevalier", "Dumas", "Etienne"]


def test_members_with_a_pending_or_rejected_mandate_only_are_not_listed(visitor, oise, officials):
    for status in (VerificationStatus.PENDING, VerificationStatus.REJECTED):
        user = UserFactory(last_name=f"Non{status}", directory_visibility="public")
        MandateFactory(user=user, territory=oise["beauvais"], status=status)
    names = listed_names(visitor.get(LIST))
    assert "Nonpending" not in names
    assert "Nonrejected" not in names


def test_list_follows_each_officials_directory_choice(visitor, login, resident, oise):
    make_official(oise["beauvais"], last_name="Public")
    make_official(oise["beauvais"], last_name="Members", directory_visibility="members")
    make_official(oise["beauvais"], last_name="Hidden", directory_visibility="hidden")
    assert listed_names(visitor.get(LIST)) == ["Public"]
    assert listed_names(login(resident).get(LIST)) == ["Members", "Public"]


def test_each_official_shows_their_verified_mandates_with_links(visitor, oise, officials):
    MandateFactory(
        user=officials["margny"],
        role=MandateRole.EPCI_VICE_PRESIDENT,
        territory=oise["epcis"][1],
    )
    MandateFactory(
        user=officials["margny"],
        role=MandateRole.EPCI_COUNCILLOR,
        territory=oise["epcis"][0],
        status=VerificationStatus.PENDING,
    )
    html = visitor.get(LIST).content.decode()
    assert f'href="{page(officials["margny"])}"' in html
    assert f'Vice-president of an EPCI — <a href="{oise["epcis"][1].get_absolute_url()}"' in html
    assert "Community councillor —" not in html  # the pending mandate


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"commune": "60159"}, ["Bernard"]),
        ({"commune": "Compiègne"}, ["Bernard"]),
        ({"commune": "60280"}, ["Chevalier"]),
        ({"epci": "246000756"}, ["Bernard", "Chevalier", "Dumas"]),
        ({"arrondissement": "601"}, ["Aubert"]),
        ({"role": "epci_president"}, ["Dumas"]),
        ({"role": "mayor", "epci": "246000756"}, ["Bernard", "Chevalier"]),
        ({"q": "bern"}, ["Bernard"]),
        ({"q": "CHEV"}, ["Chevalier"]),
        ({"q": "nobody"}, []),
    ],
)
def test_officials_are_filtered_by_territory_mandate_and_name(visitor, officials, params, expected):
    assert listed_names(visitor.get(LIST, params)) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"commune": "Atlantis"}, "No commune of our territory matches"),
        ({"role": "king"}, "Select a valid choice"),
        ({"epci": "000000000"}, "Select a valid choice"),
        ({"q": "x" * 300}, "at most 100 characters"),
        ({"page": "999"}, ""),
        ({"page": "abc"}, ""),
    ],
)
def test_bad_filters_are_explained_and_ignored(visitor, officials, params, message):
    response = visitor.get(LIST, params)
    assert len(listed_names(response)) == 5
    assert message in response.content.decode()


def test_list_is_paginated(visitor, oise):
    for i in range(23):
        make_official(oise["beauvais"], last_name=f"Nom{i:02d}")
    first = visitor.get(LIST)
    assert len(listed_names(first)) == 20
    assert "Page 1 of 2" in first.content.decode()
    assert listed_names(visitor.get(LIST, {"page": 2})) == ["Nom20", "Nom21", "Nom22"]


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("params", [{}, {"commune": "60057", "q": "nom"}, {"epci": "200067999"}])
def test_list_query_count_does_not_grow_with_the_number_of_officials(
    settings, client, login, resident, oise, django_assert_max_num_queries, count, params
):
    settings.USERSESSIONS_TRACK_ACTIVITY = False
    for i in range(count):
        official = make_official(oise["beauvais"], last_name=f"Nom{i:02d}")
        MandateFactory(user=official, role=MandateRole.EPCI_COUNCILLOR, territory=oise["epcis"][0])
    login(resident)
    client.get("/")
    # Session and user (2); EPCI and arrondissement choices (1); the commune looked up (2);
    # the commune suggestions (1); count and page (2); the mandates of the page (1).
    with django_assert_max_num_queries(9):
        response = client.get(LIST, params)
    assert len(listed_names(response)) == min(count, 20)


# --- An official's page -----------------------------------------------------------------------


def in_days(n):
    return dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=n), dt.time(18), tzinfo=PARIS
    )


@pytest.fixture
def mayor(oise):
    """The mayor of Compiègne, in the town hall's team, also running an association."""
    mayor = make_official(oise["compiegne"], last_name="Moreau")
    town_hall = OrganisationFactory(
        name="Mairie de Compiègne",
        slug="mairie-de-compiegne",
        kind=OrganisationKind.INSTITUTION,
        commune=oise["compiegne"],
    )
    MembershipFactory(organisation=town_hall, user=mayor)
    club = OrganisationFactory(name="Club de l'élu", commune=oise["compiegne"])
    MembershipFactory(organisation=club, user=mayor)
    mayor.town_hall, mayor.club = town_hall, club
    return mayor


def test_official_page_shows_their_verified_mandates_and_institutions(visitor, oise, mayor):
    MandateFactory(
        user=mayor,
        role=MandateRole.EPCI_COUNCILLOR,
        territory=oise["epcis"][1],
        status=VerificationStatus.PENDING,
    )
    html = visitor.get(page(mayor)).content.decode()
    assert "<h1>Élu Moreau</h1>" in html
    assert "Verified elected official" in html
    assert 'Mayor — <a href="/communes/60159-compiegne/">Compiègne</a>' in html
    assert "community councillor" not in html
    assert 'href="/organisations/mairie-de-compiegne/"' in html
    assert "Club de l&#x27;élu" not in html
    assert f'href="{mayor.get_absolute_url()}"' in html


def test_official_page_lists_the_events_they_or_their_institution_organise(
    visitor, oise, mayor, association_manager
):
    create_event(created_by=mayor, commune=oise["compiegne"], title="Permanence du maire")
    create_event(
        created_by=association_manager,
        organisation=mayor.town_hall,
        commune=oise["compiegne"],
        title="Conseil municipal",
    )
    create_event(
        created_by=mayor,
        organisation=mayor.club,
        commune=oise["compiegne"],
        title="Tournoi du club",
    )
    create_event(created_by=association_manager, commune=oise["beauvais"], title="Autre")
    create_event(
        created_by=mayor, commune=oise["compiegne"], title="Réunion passée", start=in_days(-5)
    )
    html = visitor.get(page(mayor)).content.decode()
    events = html[html.index('id="section-events"') :].split("</section>")[0]
    assert "Permanence du maire" in events
    assert "Conseil municipal" in events
    assert "Tournoi du club" not in events
    assert "Autre" not in events
    assert "Réunion passée" not in events
    assert 'href="/agenda/?organiser=mairie-de-compiegne"' in events


@pytest.mark.parametrize(
    "who",
    ["resident", "pending", "rejected", "hidden", "inactive", "unknown"],
)
def test_page_of_anyone_but_a_visible_verified_official_answers_404(
    visitor, login, resident, oise, who
):
    if who == "resident":
        target = resident
    elif who == "unknown":
        target = UserFactory.build(pk=999999)
    else:
        target = UserFactory(
            commune=oise["beauvais"],
            directory_visibility="hidden" if who == "hidden" else "public",
            is_active=who != "inactive",
        )
        status = who if who in ("pending", "rejected") else VerificationStatus.VERIFIED
        MandateFactory(user=target, territory=oise["beauvais"], status=status)
    assert visitor.get(page(target)).status_code == 404
    assert login(resident).get(page(target)).status_code == 404


def test_members_only_official_is_seen_by_members_not_by_visitors(visitor, login, resident, oise):
    official = make_official(oise["beauvais"], last_name="Discret", directory_visibility="members")
    assert visitor.get(page(official)).status_code == 404
    assert login(resident).get(page(official)).status_code == 200


def test_official_page_query_count_does_not_grow_with_their_activity(
    visitor, oise, mayor, association_manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert visitor.get(page(mayor)).status_code == 200
        return len(queries)

    create_event(created_by=mayor, commune=oise["compiegne"])
    few = count()
    MandateFactory(user=mayor, role=MandateRole.MUNICIPAL_COUNCILLOR, territory=oise["margny"])
    for i in range(10):
        create_event(created_by=mayor, commune=oise["compiegne"], start=in_days(1 + i))
        institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, commune=oise["margny"])
        MembershipFactory(organisation=institution, user=mayor)
    assert count() <= few  # fewer once the next post due is known (``pagecache.schedule``)
