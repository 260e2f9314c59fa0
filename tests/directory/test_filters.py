"""Filtering the directory by commune, EPCI and arrondissement; bad parameters never fail."""

import pytest

from parvis.accounts.models import DirectoryVisibility, MandateRole, ProfileKind

from ..factories import MandateFactory, OrganisationFactory, UserFactory
from .test_tabs import URL, names_listed


@pytest.fixture
def organisations(oise):
    return {
        key: OrganisationFactory(name=f"Association de {oise[key].name}", commune=oise[key])
        for key in ("beauvais", "compiegne", "margny")
    }


@pytest.fixture
def people(oise):
    return {
        key: UserFactory(
            first_name="Habitant",
            last_name=oise[key].name,
            commune=oise[key],
            directory_visibility=DirectoryVisibility.PUBLIC,
        )
        for key in ("beauvais", "compiegne", "margny")
    }


@pytest.mark.parametrize(
    ("param", "territory", "expected"),
    [
        ("commune", lambda o: o["margny"], ["margny"]),
        ("epci", lambda o: o["epcis"][1], ["compiegne", "margny"]),
        ("epci", lambda o: o["epcis"][0], ["beauvais"]),
        ("arrondissement", lambda o: o["arrondissements"][1], ["compiegne", "margny"]),
    ],
)
def test_associations_and_residents_are_filtered_by_territory(
    client, oise, organisations, people, param, territory, expected
):
    pk = territory(oise).pk
    shown = names_listed(client.get(URL, {"type": "associations", param: pk}))
    assert shown == [organisations[key].name for key in expected]
    shown = names_listed(client.get(URL, {"type": "residents", param: pk}))
    assert sorted(shown) == sorted(people[key].get_full_name() for key in expected)


def test_filters_combine(client, oise, organisations):
    shown = names_listed(
        client.get(URL, {"epci": oise["epcis"][1].pk, "commune": oise["compiegne"].pk})
    )
    assert shown == ["Association de Compiègne"]
    shown = names_listed(
        client.get(URL, {"epci": oise["epcis"][0].pk, "commune": oise["compiegne"].pk})
    )
    assert shown == []


def test_officials_are_found_by_the_territory_of_their_mandate(client, oise):
    councillor = UserFactory(
        first_name="Claire",
        last_name="Elue",
        kind=ProfileKind.OFFICIAL,
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    MandateFactory(
        user=councillor, role=MandateRole.EPCI_VICE_PRESIDENT, territory=oise["epcis"][1]
    )
    for param, territory in [
        ("commune", oise["beauvais"]),  # where she lives
        ("epci", oise["epcis"][1]),  # her mandate
        ("arrondissement", oise["arrondissements"][0]),  # where she lives
    ]:
        response = client.get(URL, {"type": "officials", param: territory.pk})
        assert names_listed(response) == ["Claire Elue"], param
    response = client.get(URL, {"type": "officials", "commune": oise["compiegne"].pk})
    assert names_listed(response) == []


def test_an_official_with_a_mandate_on_a_commune_is_found_in_its_epci(client, oise, official):
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.commune = oise["beauvais"]
    official.save(update_fields=["directory_visibility", "commune"])
    response = client.get(URL, {"type": "officials", "epci": oise["epcis"][1].pk})
    assert names_listed(response) == ["Jean Moreau"]


def test_filter_selects_are_labelled_and_keep_the_choice(client, oise):
    body = client.get(URL, {"epci": oise["epcis"][1].pk}).content.decode()
    for field, label in [
        ("q", "Name"),
        ("commune", "Commune"),
        ("epci", "Intercommunality (EPCI)"),
        ("arrondissement", "Arrondissement"),
    ]:
        assert f'<label for="id_{field}">{label}</label>' in body
    assert f'<option value="{oise["epcis"][1].pk}" selected>' in body
    assert "Margny-lès-Compiègne (60280)" in body


@pytest.mark.parametrize(
    "params",
    [
        {"commune": "abc"},
        {"epci": "999999"},
        {"arrondissement": "1.5"},
        {"commune": "' OR 1=1 --"},
        {"type": "unknown"},
        {"type": ""},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "9999"},
        {"q": "x" * 500},
        {"q": "&|!:*()'\""},
        {"commune": ["1", "2"]},
    ],
)
def test_bad_parameters_never_break_the_page(client, oise, organisations, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert "result" in response.content.decode()


def test_an_unknown_territory_is_reported_next_to_its_field_and_ignored(
    client, oise, organisations
):
    response = client.get(URL, {"commune": "abc"})
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert len(names_listed(response)) == 3


def test_commune_of_the_wrong_kind_is_refused(client, oise, organisations):
    response = client.get(URL, {"commune": oise["epcis"][1].pk})
    assert "Select a valid choice" in response.content.decode()
    assert len(names_listed(response)) == 3


def test_results_are_paginated_by_twenty_with_the_filters_kept(client, oise):
    OrganisationFactory.create_batch(25, commune=oise["beauvais"])
    params = {"type": "associations", "commune": oise["beauvais"].pk}
    response = client.get(URL, params)
    body = response.content.decode()
    assert len(names_listed(response)) == 20
    assert '<p role="status" class="result-count">25 results</p>' in body
    assert '<nav aria-label="Pages of results">' in body
    assert "Page 1 of 2" in body
    assert f'href="?type=associations&amp;commune={oise["beauvais"].pk}&amp;page=2"' in body

    response = client.get(URL, {**params, "page": 2})
    assert len(names_listed(response)) == 5
    assert "Page 2 of 2" in response.content.decode()

    response = client.get(URL, {**params, "page": 9999})
    assert "Page 2 of 2" in response.content.decode()
    response = client.get(URL, {**params, "page": "abc"})
    assert "Page 1 of 2" in response.content.decode()
