"""``/api/recherche/``: the search box's rules for API callers."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.postgresql


def test_visitor_gets_every_type_grouped(client, world):
    data = client.get("/api/recherche/", {"q": "marche"}).json()
    assert data["q"] == "marche"
    groups = {group["type"]: group for group in data["groups"]}
    assert set(groups) == {
        "evenements",
        "groupes",
        "discussions",
        "organisations",
        "elus",
        "actualites",
        "consultations",
        "membres",
    }
    event = groups["evenements"]
    assert event["label"] == "Événements"
    assert event["see_all_url"] == "/agenda/?q=marche"
    assert event["results"][0]["title"] == "Grand marché de Noël"
    assert event["results"][0]["url"] == world["event"].get_absolute_url()
    assert event["has_more"] is False


def test_private_discussions_only_for_members_with_a_token_or_session(
    client, login, world, private_member
):
    def discussions(response):
        return [
            result["title"]
            for group in response.json()["groups"]
            if group["type"] == "discussions"
            for result in group["results"]
        ]

    assert "Places du marché secrètes" not in discussions(
        client.get("/api/recherche/", {"q": "marché"})
    )
    login(UserFactory())
    assert "Places du marché secrètes" not in discussions(
        client.get("/api/recherche/", {"q": "marché"})
    )
    login(private_member)
    assert "Places du marché secrètes" in discussions(
        client.get("/api/recherche/", {"q": "marché"})
    )


def test_one_type_by_pages(client, world):
    from tests.factories import OrganisationFactory

    for number in range(25):
        OrganisationFactory(name=f"Marché numéro {number}", commune=world["event"].commune)
    first = client.get("/api/recherche/", {"q": "marché", "type": "organisations"}).json()
    assert first["page"] == 1 and first["has_next"] is True
    assert len(first["groups"][0]["results"]) == 20
    second = client.get(
        "/api/recherche/", {"q": "marché", "type": "organisations", "page": 2}
    ).json()
    assert second["has_next"] is False
    assert len(second["groups"][0]["results"]) == 7


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "marché", "type": "nimporte"}, "type"),
        ({"q": "marché", "type": "evenements", "page": "0"}, "page"),
        ({"q": "marché", "type": "evenements", "page": "abc"}, "page"),
        ({"q": "marché", "type": "evenements", "page": "999999"}, "page"),
    ],
)
def test_bad_parameters_answer_400_in_french(client, world, params, field):
    response = client.get("/api/recherche/", params, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    message = str(response.json())
    assert field in response.json() or field in message
    assert "Type inconnu" in message or "numéro de page" in message


def test_empty_query_answers_no_group(client, world):
    assert client.get("/api/recherche/", {"q": "  "}).json()["groups"] == []


def test_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/recherche/" in schema
    assert "see_all_url" in schema
