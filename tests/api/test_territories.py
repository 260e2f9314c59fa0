"""/api/territoires/: the territories, filterable by kind, code, name or postal code."""

import pytest


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_visitor_lists_territories_paginated(api, oise):
    response = api.get("/api/territoires/")
    data = response.json()
    assert response.status_code == 200
    assert data["count"] == 8
    assert {"count", "next", "previous", "results"} <= data.keys()


def test_a_commune_carries_its_codes_and_containers(api, oise):
    beauvais = oise["beauvais"]
    data = api.get(f"/api/territoires/{beauvais.pk}/").json()
    assert data["code"] == "60057"
    assert data["kind"] == "commune"
    assert data["postal_codes"] == ["60000"]
    assert data["epci"] == oise["epcis"][0].pk
    assert data["arrondissement"] == oise["arrondissements"][0].pk
    assert data["url"] == f"http://testserver/api/territoires/{beauvais.pk}/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"kind": "epci"},
            ["CA de la Région de Compiègne et de la Basse Automne", "CA du Beauvaisis"],
        ),
        ({"kind": "commune", "code": "60159"}, ["Compiègne"]),
        ({"kind": "commune", "search": "compi"}, ["Compiègne", "Margny-lès-Compiègne"]),
        ({"search": "60280"}, ["Margny-lès-Compiègne"]),
        ({"search": "   "}, None),
    ],
)
def test_territories_are_filtered(api, oise, params, expected):
    response = api.get("/api/territoires/", params)
    assert response.status_code == 200
    if expected is not None:
        assert names(response) == expected


@pytest.mark.parametrize("params", [{"kind": "planet"}, {"search": "x" * 200}, {"code": "1" * 30}])
def test_bad_filter_values_answer_400_with_a_message(api, oise, params):
    response = api.get("/api/territoires/", params)
    assert response.status_code == 400
    field = next(iter(params))
    assert response.json()[field]


@pytest.mark.parametrize("pk", ["999999", "abc", "1.5", "-1"])
def test_unknown_territory_answers_404_json(api, oise, pk):
    response = api.get(f"/api/territoires/{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_territory_list_query_count_is_fixed(api, oise, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = api.get("/api/territoires/")
    assert len(response.json()["results"]) == 8
