"""The territory pages, the local portal: one per commune, EPCI, arrondissement and the
département, at a canonical address, with the territory's officials, organisations and events."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.accounts.models import DirectoryVisibility, MandateRole, VerificationStatus
from parvis.organisations.models import OrganisationKind

from ..agenda.conftest import PARIS, create_event
from ..factories import MandateFactory, OrganisationFactory, UserFactory

BEAUVAIS = "/communes/60057-beauvais/"
COMPIEGNE = "/communes/60159-compiegne/"
CA_BEAUVAISIS = "/territoires/epci/200067999-ca-du-beauvaisis/"
ARC = "/territoires/epci/246000756-ca-de-la-region-de-compiegne-et-de-la-basse-automne/"
ARR_COMPIEGNE = "/territoires/arrondissements/603-compiegne/"
OISE = "/territoires/departements/60-oise/"


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response
    return response.content.decode()


def section(html, key):
    start = html.index(f'id="section-{key}"')
    return html[start : html.index("</section>", start)]


def in_days(n, hour=18):
    return dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=n), dt.time(hour), tzinfo=PARIS
    )


# --- Addresses ----------------------------------------------------------------------------------


def test_each_kind_of_territory_has_its_address(oise):
    assert oise["beauvais"].get_absolute_url() == BEAUVAIS
    assert oise["compiegne"].get_absolute_url() == COMPIEGNE
    assert oise["epcis"][0].get_absolute_url() == CA_BEAUVAISIS
    assert oise["arrondissements"][1].get_absolute_url() == ARR_COMPIEGNE
    assert oise["departement"].get_absolute_url() == OISE


@pytest.mark.parametrize("url", [BEAUVAIS, CA_BEAUVAISIS, ARC, ARR_COMPIEGNE, OISE])
def test_visitor_reads_every_kind_of_territory_page(visitor, oise, url):
    assert visitor.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/communes/60057-beauvaiz/", BEAUVAIS),
        ("/communes/60057/", BEAUVAIS),
        ("/communes/60159-compiègne/", COMPIEGNE),
        ("/territoires/epci/200067999-ca/", CA_BEAUVAISIS),
        ("/territoires/epci/200067999/", CA_BEAUVAISIS),
        ("/territoires/arrondissements/603-x/", ARR_COMPIEGNE),
        ("/territoires/departements/60/", OISE),
    ],
)
def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_address(
    visitor, oise, url, canonical
):
    response = visitor.get(url)
    assert response.status_code == 301
    assert response["Location"] == canonical


def test_redirect_keeps_the_query_string(visitor, oise):
    response = visitor.get("/communes/60057-old-name/?from=newsletter")
    assert response["Location"] == f"{BEAUVAIS}?from=newsletter"


@pytest.mark.parametrize(
    "url",
    [
        "/communes/99999-nowhere/",
        "/communes/99999/",
        "/communes/200067999-ca-du-beauvaisis/",  # an EPCI's code on a commune address
        "/territoires/epci/60057-beauvais/",  # a commune's code on an EPCI address
        "/territoires/arrondissements/60057-beauvais/",
        "/territoires/departements/61-orne/",
        "/territoires/communes/60057-beauvais/",
        "/communes/60%2F057-beauvais/",
        "/communes/" + "6" * 40 + "-x/",
    ],
)
def test_unknown_territory_answers_404(visitor, oise, url):
    assert visitor.get(url).status_code == 404


# --- Header: figures, codes, containers and parts --------------------------------------------


def test_commune_page_shows_population_postal_codes_and_its_territories(visitor, oise):
    oise["compiegne"].postal_codes = "60200 60321"
    oise["compiegne"].save(update_fields=["postal_codes"])
    html = html_of(visitor, COMPIEGNE)
    assert "<h1>Compiègne</h1>" in html
    assert "40,028" in html
    assert "60159" in html
    assert "60200, 60321" in html
    assert "Postal codes" in html
    assert f'href="{ARC}"' in html
    assert f'href="{ARR_COMPIEGNE}"' in html
    assert f'href="{OISE}"' in html


def test_epci_page_lists_its_communes_with_links(visitor, oise):
    html = html_of(visitor, ARC)
    assert "246000756" in html
    assert "SIREN number" in html
    assert f'href="{COMPIEGNE}"' in html
    assert 'href="/communes/60382-margny-les-compiegne/"' in html
    assert f'href="{BEAUVAIS}"' not in html
    assert "The 2 communes" in html
    assert f'href="{OISE}"' in html


def test_arrondissement_page_lists_its_communes(visitor, oise):
    html = html_of(visitor, ARR_COMPIEGNE)
    assert f'href="{COMPIEGNE}"' in html
    assert f'href="{BEAUVAIS}"' not in html


def test_departement_page_lists_its_arrondissements_and_intercommunalities(visitor, oise):
    html = html_of(visitor, OISE)
    assert "829,899" in html
    for territory in [*oise["arrondissements"], *oise["epcis"]]:
        assert f'href="{territory.get_absolute_url()}"' in html


# --- Sections: officials -------------------------------------------------------------------


def test_commune_page_lists_its_verified_officials_only(visitor, oise, public_official):
    pending = UserFactory(
        first_name="Paul",
        last_name="Enattente",
        commune=oise["compiegne"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    MandateFactory(
        user=pending,
        role=MandateRole.DEPUTY_MAYOR,
        territory=oise["compiegne"],
        status=VerificationStatus.PENDING,
    )
    html = section(html_of(visitor, COMPIEGNE), "officials")
    assert "Jean Moreau" in html
    assert f'href="/elus/{public_official.pk}/"' in html
    assert "mayor" in html
    assert "Enattente" not in html
    assert 'href="/elus/?commune=60159"' in html


def test_officials_who_chose_not_to_be_listed_are_left_out(visitor, login, resident, oise):
    members_only = UserFactory(last_name="Membresseulement", commune=oise["beauvais"])
    hidden = UserFactory(
        last_name="Cache",
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.HIDDEN,
    )
    for user in (members_only, hidden):
        MandateFactory(user=user, role=MandateRole.MUNICIPAL_COUNCILLOR, territory=oise["beauvais"])
    for_visitor = section(html_of(visitor, BEAUVAIS), "officials")
    assert "Membresseulement" not in for_visitor
    assert "No elected official" in for_visitor
    for_member = section(html_of(login(resident), BEAUVAIS), "officials")
    assert "Membresseulement" in for_member
    assert "Cache" not in for_member


def test_epci_page_lists_its_own_mandates_first_then_its_communes(visitor, oise, public_official):
    president = UserFactory(
        last_name="Présidente",
        commune=oise["margny"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    MandateFactory(user=president, role=MandateRole.EPCI_PRESIDENT, territory=oise["epcis"][1])
    html = section(html_of(visitor, ARC), "officials")
    assert html.index("Présidente") < html.index("Jean Moreau")
    assert f'href="{COMPIEGNE}"' in html  # the mayor's commune is named, linked
    assert 'href="/elus/?epci=246000756"' in html


# --- Sections: organisations and events ----------------------------------------------------


def test_commune_page_lists_the_verified_associations_and_institutions_based_there(
    visitor, oise, association
):
    town_hall = OrganisationFactory(
        name="Mairie de Beauvais", kind=OrganisationKind.INSTITUTION, commune=oise["beauvais"]
    )
    OrganisationFactory(
        name="Association en attente",
        commune=oise["beauvais"],
        status=VerificationStatus.PENDING,
    )
    OrganisationFactory(name="Club de Compiègne", commune=oise["compiegne"])
    html = html_of(visitor, BEAUVAIS)
    associations = section(html, "associations")
    assert association.name in associations
    assert "Mairie de Beauvais" not in associations
    assert "Association en attente" not in html
    assert "Club de Compiègne" not in html
    assert town_hall.name in section(html, "institutions")
    assert f'href="/annuaire/?type=associations&amp;commune={oise["beauvais"].pk}"' in associations


def test_epci_page_lists_the_associations_of_its_communes(visitor, oise):
    OrganisationFactory(name="Club de Margny", commune=oise["margny"])
    OrganisationFactory(name="Club de Beauvais", commune=oise["beauvais"])
    html = section(html_of(visitor, ARC), "associations")
    assert "Club de Margny" in html
    assert "Club de Beauvais" not in html


def test_commune_page_lists_its_upcoming_events_with_a_link_to_the_agenda(
    visitor, oise, association_manager
):
    create_event(created_by=association_manager, commune=oise["beauvais"], title="Concert")
    create_event(
        created_by=association_manager,
        commune=oise["beauvais"],
        title="Déjà passé",
        start=in_days(-3),
    )
    create_event(created_by=association_manager, commune=oise["compiegne"], title="Ailleurs")
    html = section(html_of(visitor, BEAUVAIS), "events")
    assert "Concert" in html
    assert "Déjà passé" not in html
    assert "Ailleurs" not in html
    assert 'href="/agenda/?commune=60057"' in html
    assert 'href="/agenda/communes/60057.ics"' in html


def test_epci_and_departement_pages_link_to_the_agenda_filtered_on_them(visitor, oise):
    assert 'href="/agenda/?epci=200067999"' in section(html_of(visitor, CA_BEAUVAISIS), "events")
    assert 'href="/agenda/?arrondissement=603"' in section(
        html_of(visitor, ARR_COMPIEGNE), "events"
    )
    assert 'href="/agenda/"' in section(html_of(visitor, OISE), "events")


def test_sections_come_in_order_each_with_a_see_all_link(visitor, oise):
    html = html_of(visitor, BEAUVAIS)
    keys = ["officials", "events", "associations", "institutions"]
    positions = [html.index(f'id="section-{key}"') for key in keys]
    assert positions == sorted(positions)
    for key in keys:
        assert 'class="see-all"' in section(html, key)


def test_empty_sections_say_so(visitor, oise):
    html = html_of(visitor, BEAUVAIS)
    assert "No upcoming event here yet." in section(html, "events")
    assert "None listed here yet." in section(html, "associations")


# --- Query counts ----------------------------------------------------------------------------


def _populate(oise, count, manager):
    for i in range(count):
        commune = oise["beauvais"] if i % 2 else oise["margny"]
        user = UserFactory(commune=commune, directory_visibility=DirectoryVisibility.PUBLIC)
        MandateFactory(user=user, role=MandateRole.MUNICIPAL_COUNCILLOR, territory=commune)
        OrganisationFactory(commune=commune)
        OrganisationFactory(commune=commune, kind=OrganisationKind.INSTITUTION)
        create_event(created_by=manager, commune=commune, start=in_days(1 + i))


@pytest.mark.parametrize("url", [BEAUVAIS, ARC, ARR_COMPIEGNE, OISE])
def test_query_count_does_not_grow_with_the_data(
    settings, client, login, resident, association_manager, oise, url
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.USERSESSIONS_TRACK_ACTIVITY = False
    login(resident)
    client.get("/")  # the first request of a session records it (allauth's user sessions)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _populate(oise, 2, association_manager)
    few = count()
    _populate(oise, 20, association_manager)
    assert count() == few


# Session and user (2); the territory with its containers (1); its parts (1); one query for
# each section of this app and the apps registered so far (officials, events, associations,
# institutions), two at most for the others.
BASE_QUERIES = 4


@pytest.mark.parametrize("url", [BEAUVAIS, ARC, OISE])
def test_page_stays_within_its_query_budget(
    settings,
    client,
    login,
    resident,
    association_manager,
    oise,
    url,
    django_assert_max_num_queries,
):
    from parvis.territories.portal import portal_sections

    settings.USERSESSIONS_TRACK_ACTIVITY = False
    _populate(oise, 12, association_manager)
    login(resident)
    client.get("/")
    with django_assert_max_num_queries(BASE_QUERIES + 2 * len(portal_sections)):
        assert client.get(url).status_code == 200


def test_visitor_page_of_the_builtin_sections_costs_six_queries(
    oise, visitor, association_manager, django_assert_num_queries
):
    from parvis.territories.portal import portal_sections

    _populate(oise, 12, association_manager)
    builtin = {"officials", "events", "associations", "institutions"}
    others = [section for section in portal_sections.sections() if section.key not in builtin]
    for other in others:
        portal_sections.unregister(other.key)
    try:
        # The territory (1), its parts (1) and one query per built-in section (4).
        with django_assert_num_queries(6):
            assert visitor.get(ARC).status_code == 200
    finally:
        for other in others:
            portal_sections.register(other)
