"""/api/membres/: public profiles, with the directory's visibility; never an e-mail address."""

import pytest

from parvis.accounts.models import DirectoryVisibility, MandateRole, VerificationStatus

from ..factories import MandateFactory, UserFactory


@pytest.fixture
def listed(oise):
    return {
        visibility: UserFactory(
            first_name="Membre",
            last_name=visibility.capitalize(),
            commune=oise["beauvais"],
            directory_visibility=visibility,
        )
        for visibility in DirectoryVisibility.values
    }


def names(response):
    return sorted(row["name"] for row in response.json()["results"])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", {"public"}),
        ("resident", {"public", "members"}),
        ("moderator", {"public", "members"}),
    ],
)
def test_members_listed_per_persona_as_in_the_directory(
    request, api, api_as, client, login, listed, persona, expected
):
    caller = api
    if persona != "visitor":
        user = request.getfixturevalue(persona)
        caller = api_as(user)
        login(user)
    shown = {row["name"] for row in caller.get("/api/membres/").json()["results"]}
    wanted = {listed[v].get_full_name() for v in expected}
    assert {name for name in shown if name.startswith("Membre")} == wanted
    page = client.get("/annuaire/", {"type": "residents"}).content.decode()
    for visibility, member in listed.items():
        assert (member.get_full_name() in page) == (visibility in expected)


def test_hidden_profile_answers_404_except_to_its_owner(api, api_as, resident, listed):
    hidden = listed["hidden"]
    assert api.get(f"/api/membres/{hidden.pk}/").status_code == 404
    assert api_as(resident).get(f"/api/membres/{hidden.pk}/").status_code == 404
    assert api_as(hidden).get(f"/api/membres/{hidden.pk}/").status_code == 200


def test_members_only_profile_answers_404_to_visitors(api, api_as, resident, listed):
    member = listed["members"]
    assert api.get(f"/api/membres/{member.pk}/").status_code == 404
    assert api_as(resident).get(f"/api/membres/{member.pk}/").status_code == 200


def test_a_profile_shows_public_fields_and_verified_mandates_only(api, official, oise):
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.bio = "Maire depuis 2020."
    official.website = "https://example.org/"
    official.links = ["https://mastodon.example/@jean"]
    official.save(update_fields=["directory_visibility", "bio", "website", "links"])
    MandateFactory(
        user=official,
        role=MandateRole.EPCI_PRESIDENT,
        territory=oise["epcis"][1],
        status=VerificationStatus.PENDING,
    )
    response = api.get(f"/api/membres/{official.pk}/")
    data = response.json()
    assert data == {
        "id": official.pk,
        "name": "Jean Moreau",
        "kind": "official",
        "commune": {"code": "60159", "name": "Compiègne"},
        "bio": "Maire depuis 2020.",
        "website": "https://example.org/",
        "links": ["https://mastodon.example/@jean"],
        "mandates": [
            {
                "role": "mayor",
                "role_display": "mayor",
                "territory": {"kind": "commune", "code": "60159", "name": "Compiègne"},
            }
        ],
        "url": f"http://testserver/api/membres/{official.pk}/",
    }
    assert "jean.moreau@example.org" not in response.content.decode()


def test_member_list_never_contains_an_email(api_as, resident, listed):
    body = api_as(resident).get("/api/membres/").content.decode()
    assert "@example.org" not in body
    assert "email" not in body


def test_members_are_filtered_by_kind_and_commune(api, oise, official, listed):
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.save(update_fields=["directory_visibility"])
    assert names(api.get("/api/membres/", {"kind": "official"})) == ["Jean Moreau"]
    assert names(api.get("/api/membres/", {"commune": "60057"})) == ["Membre Public"]
    assert api.get("/api/membres/", {"kind": "king"}).status_code == 400
    assert api.get("/api/membres/", {"commune": "x"}).status_code == 400


@pytest.mark.parametrize("count", [3, 30])
def test_member_list_query_count_is_fixed(api, oise, count, django_assert_max_num_queries):
    for _ in range(count):
        user = UserFactory(
            commune=oise["beauvais"], directory_visibility=DirectoryVisibility.PUBLIC
        )
        MandateFactory(user=user, territory=oise["beauvais"])
    # count, page, prefetched mandates
    with django_assert_max_num_queries(3):
        response = api.get("/api/membres/")
    assert len(response.json()["results"]) == count
