"""/api/organisations/: exactly what the directory shows each persona."""

import pytest

from parvis.accounts.models import VerificationStatus
from parvis.organisations.models import OrganisationKind

from ..factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def pending(oise, association_manager):
    organisation = OrganisationFactory(
        name="Jardins partagés",
        slug="jardins-partages",
        commune=oise["beauvais"],
        status=VerificationStatus.PENDING,
    )
    MembershipFactory(organisation=organisation, user=association_manager)
    return organisation


@pytest.fixture
def institution(oise):
    return OrganisationFactory(
        name="Mairie de Compiègne",
        slug="mairie-de-compiegne",
        kind=OrganisationKind.INSTITUTION,
        commune=oise["compiegne"],
        rna="",
        siren="216001594",
    )


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_an_organisation_shows_its_public_fields(api, association):
    data = api.get(f"/api/organisations/{association.pk}/").json()
    assert data == {
        "id": association.pk,
        "slug": "les-amis-du-beauvaisis",
        "name": "Les Amis du Beauvaisis",
        "kind": "association",
        "description": "Une association du territoire.",
        "commune": {"code": "60057", "name": "Beauvais"},
        "website": "",
        "email": "",
        "phone": "",
        "address": "",
        "opening_hours": "",
        "cover": "",
        "cover_alt": "",
        "verified": True,
        "url": f"http://testserver/api/organisations/{association.pk}/",
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", ["Les Amis du Beauvaisis", "Mairie de Compiègne"]),
        ("resident", ["Les Amis du Beauvaisis", "Mairie de Compiègne"]),
        (
            "association_manager",
            ["Jardins partagés", "Les Amis du Beauvaisis", "Mairie de Compiègne"],
        ),
        ("moderator", ["Jardins partagés", "Les Amis du Beauvaisis", "Mairie de Compiègne"]),
    ],
)
def test_organisations_visible_per_persona_as_on_the_pages(
    request, api, api_as, client, login, pending, institution, persona, expected
):
    caller = api
    if persona != "visitor":
        user = request.getfixturevalue(persona)
        caller = api_as(user)
        login(user)
    assert names(caller.get("/api/organisations/")) == expected
    page = client.get("/annuaire/", {"type": "associations"}).content.decode()
    assert ("Jardins partagés" in page) == ("Jardins partagés" in expected)


def test_pending_organisation_answers_404_to_others(api, api_as, resident, pending):
    assert api.get(f"/api/organisations/{pending.pk}/").status_code == 404
    assert api_as(resident).get(f"/api/organisations/{pending.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "institution"}, ["Mairie de Compiègne"]),
        ({"commune": "60057"}, ["Les Amis du Beauvaisis"]),
        ({"commune": "60159", "kind": "association"}, []),
        ({"commune": "2A004"}, []),
    ],
)
def test_organisations_are_filtered(api, association, institution, params, expected):
    response = api.get("/api/organisations/", params)
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    "params", [{"kind": "club"}, {"commune": "Beauvais"}, {"commune": "600570"}]
)
def test_bad_organisation_filters_answer_400(api, association, params):
    response = api.get("/api/organisations/", params)
    assert response.status_code == 400
    assert response.json()[next(iter(params))]


@pytest.mark.parametrize("count", [3, 30])
def test_organisation_list_query_count_is_fixed(
    api_as, resident, oise, count, django_assert_max_num_queries
):
    OrganisationFactory.create_batch(count, commune=oise["beauvais"])
    caller = api_as(resident)
    # token lookup, token last-used update, count, page
    with django_assert_max_num_queries(4):
        response = caller.get("/api/organisations/")
    assert len(response.json()["results"]) == count
