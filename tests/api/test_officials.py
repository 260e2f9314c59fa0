"""/api/elus/: the verified elected officials, with the same visibility as /elus/."""

import pytest

from parvis.accounts.models import DirectoryVisibility, MandateRole, VerificationStatus

from ..factories import MandateFactory, UserFactory


def make_official(commune, *, last_name, role=MandateRole.MAYOR, territory=None, **fields):
    fields.setdefault("directory_visibility", DirectoryVisibility.PUBLIC)
    user = UserFactory(first_name="Élu", last_name=last_name, commune=commune, **fields)
    MandateFactory(user=user, role=role, territory=territory or commune)
    return user


@pytest.fixture
def officials(oise):
    return {
        "beauvais": make_official(oise["beauvais"], last_name="Aubert"),
        "compiegne": make_official(oise["compiegne"], last_name="Bernard"),
        "arc": make_official(
            oise["margny"],
            last_name="Dumas",
            role=MandateRole.EPCI_PRESIDENT,
            territory=oise["epcis"][1],
        ),
        "members": make_official(
            oise["beauvais"], last_name="Membres", directory_visibility="members"
        ),
    }


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_visitor_lists_the_public_verified_officials(api, oise, officials, resident):
    pending = UserFactory(last_name="Attente", directory_visibility="public")
    MandateFactory(user=pending, territory=oise["beauvais"], status=VerificationStatus.PENDING)
    assert names(api.get("/api/elus/")) == ["Élu Aubert", "Élu Bernard", "Élu Dumas"]


def test_member_also_lists_the_officials_open_to_members(api_as, officials, resident):
    assert "Élu Membres" in names(api_as(resident).get("/api/elus/"))


def test_official_detail_carries_verified_mandates_and_page_addresses(api, oise, officials):
    official = officials["compiegne"]
    MandateFactory(
        user=official,
        role=MandateRole.EPCI_COUNCILLOR,
        territory=oise["epcis"][1],
        status=VerificationStatus.PENDING,
    )
    data = api.get(f"/api/elus/{official.pk}/").json()
    assert data["name"] == "Élu Bernard"
    assert data["web_url"].endswith(f"/elus/{official.pk}/")
    assert data["commune"] == {"code": "60159", "name": "Compiègne"}
    (mandate,) = data["mandates"]
    territory = mandate.pop("territory")
    assert mandate == {"role": "mayor", "role_display": "mayor"}
    assert territory.pop("web_url").endswith("/communes/60159-compiegne/")
    assert territory == {
        "id": oise["compiegne"].pk,
        "kind": "commune",
        "code": "60159",
        "name": "Compiègne",
    }
    assert "email" not in data


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"commune": "60159"}, ["Élu Bernard"]),
        ({"territory": "epci"}, ["Élu Bernard", "Élu Dumas"]),
        ({"role": "epci_president"}, ["Élu Dumas"]),
        ({"territory": "epci", "role": "mayor"}, ["Élu Bernard"]),
        ({"search": "auber"}, ["Élu Aubert"]),
        ({"commune": "60382"}, []),
    ],
)
def test_officials_are_filtered(api, oise, officials, params, expected):
    params = {
        key: oise["epcis"][1].pk if value == "epci" else value for key, value in params.items()
    }
    assert names(api.get("/api/elus/", params)) == expected


@pytest.mark.parametrize(
    "params",
    [{"territory": "999999"}, {"territory": "abc"}, {"commune": "beauvais"}, {"role": "king"}],
)
def test_bad_filter_values_answer_400_with_a_message(api, officials, params):
    response = api.get("/api/elus/", params)
    assert response.status_code == 400
    assert response.json()[next(iter(params))]


def test_unknown_commune_code_gives_an_empty_list(api, officials):
    assert names(api.get("/api/elus/", {"commune": "99999"})) == []


@pytest.mark.parametrize("who", ["resident", "pending", "hidden", "members"])
def test_anyone_but_a_visible_verified_official_answers_404(api, oise, officials, resident, who):
    if who == "resident":
        target = resident
    elif who == "members":
        target = officials["members"]
    else:
        target = UserFactory(directory_visibility="hidden" if who == "hidden" else "public")
        MandateFactory(
            user=target,
            territory=oise["beauvais"],
            status=VerificationStatus.PENDING if who == "pending" else VerificationStatus.VERIFIED,
        )
    response = api.get(f"/api/elus/{target.pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_official_list_query_count_is_fixed(api, oise, django_assert_max_num_queries):
    for i in range(30):
        make_official(oise["beauvais"], last_name=f"Nom{i:02d}")
    # count, page, mandates of the page
    with django_assert_max_num_queries(3):
        response = api.get("/api/elus/")
    assert len(response.json()["results"]) == 30


def test_officials_are_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/elus/" in schema["paths"]
    assert "/api/elus/{id}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/elus/"]["get"]["parameters"]}
    assert {"territory", "commune", "role", "search"} <= parameters


def test_territory_detail_gives_its_page_address(api, oise):
    data = api.get(f"/api/territoires/{oise['beauvais'].pk}/").json()
    assert data["web_url"].endswith("/communes/60057-beauvais/")
