"""The directory: one tab per type, what each persona may find there."""

import html
import re

import pytest

from parvis.accounts.models import (
    DirectoryVisibility,
    MandateRole,
    ProfileKind,
    VerificationStatus,
)
from parvis.organisations.models import OrganisationKind

from ..factories import MandateFactory, MembershipFactory, OrganisationFactory, UserFactory

URL = "/annuaire/"


def names_listed(response):
    """The headings of the result cards, in order."""
    body = response.content.decode()
    results = body.split('class="result-count"', 1)[1]
    return [
        html.unescape(name)
        for name in re.findall(r"<h3><a href=\"[^\"]+\">([^<]+)</a></h3>", results)
    ]


def test_directory_opens_on_the_associations_tab(client, association):
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'href="\?type=associations"\s+aria-current="page"', body)
    assert names_listed(response) == ["Les Amis du Beauvaisis"]


def test_every_type_is_one_click_away(client, oise):
    body = client.get(URL).content.decode()
    for tab, label in [
        ("residents", "Residents"),
        ("associations", "Associations"),
        ("officials", "Elected officials"),
        ("institutions", "Institutions"),
    ]:
        assert f'href="?type={tab}"' in body
        assert label in body


def test_tabs_keep_the_territory_and_search_filters(client, oise):
    beauvais = oise["beauvais"]
    body = client.get(URL, {"type": "residents", "commune": beauvais.pk, "q": "mar"}).content
    assert f"?type=officials&amp;commune={beauvais.pk}&amp;q=mar".encode() in body


def test_the_result_count_is_announced(client, association):
    body = client.get(URL).content.decode()
    assert '<p role="status" class="result-count">1 result</p>' in body


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", {"public"}),
        ("resident", {"public", "members"}),
        ("moderator", {"public", "members"}),
    ],
)
def test_residents_tab_shows_what_each_persona_may_see_and_never_hidden_members(
    request, client, login, listed, persona, expected
):
    if persona != "visitor":
        login(request.getfixturevalue(persona))
    response = client.get(URL, {"type": "residents", "q": "Prénom"})
    shown = set(names_listed(response))
    assert shown == {listed[v].get_full_name() for v in expected}


def test_a_hidden_member_does_not_find_themselves_in_the_directory(client, login, resident):
    resident.directory_visibility = DirectoryVisibility.HIDDEN
    resident.save(update_fields=["directory_visibility"])
    login(resident)
    assert "Camille Martin" not in names_listed(client.get(URL, {"type": "residents"}))


def test_inactive_members_are_not_listed(client, listed):
    listed["public"].is_active = False
    listed["public"].save(update_fields=["is_active"])
    assert names_listed(client.get(URL, {"type": "residents"})) == []


def test_officials_tab_lists_verified_officials_with_their_verified_mandates_only(
    client, login, resident, official, oise
):
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.save(update_fields=["directory_visibility"])
    MandateFactory(
        user=official,
        role=MandateRole.EPCI_PRESIDENT,
        territory=oise["epcis"][1],
        status=VerificationStatus.PENDING,
    )
    claimant = UserFactory(
        first_name="Paul",
        last_name="Pending",
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    MandateFactory(user=claimant, territory=oise["beauvais"], status=VerificationStatus.PENDING)

    response = client.get(URL, {"type": "officials"})
    body = response.content.decode()
    assert names_listed(response) == ["Jean Moreau"]
    assert "Verified elected official" in body
    assert 'Mayor — <a href="/communes/60159-compiegne/">Compiègne</a>' in body
    assert "president of an EPCI" not in body.lower()


def test_officials_are_not_listed_among_residents(client, login, resident, official):
    login(resident)
    response = client.get(URL, {"type": "residents"})
    assert "Jean Moreau" not in names_listed(response)
    assert "Camille Martin" in names_listed(response)


def test_associations_and_institutions_have_their_own_tabs(client, oise, association):
    OrganisationFactory(
        name="Mairie de Compiègne",
        kind=OrganisationKind.INSTITUTION,
        commune=oise["compiegne"],
        rna="",
        siren="216001594",
    )
    assert names_listed(client.get(URL, {"type": "associations"})) == ["Les Amis du Beauvaisis"]
    response = client.get(URL, {"type": "institutions"})
    assert names_listed(response) == ["Mairie de Compiègne"]
    assert "Verified" in response.content.decode()


def test_unverified_organisation_is_shown_only_to_its_team(client, login, oise, resident):
    pending = OrganisationFactory(
        name="Jardins partagés", commune=oise["beauvais"], status=VerificationStatus.PENDING
    )
    manager = UserFactory(commune=oise["beauvais"])
    MembershipFactory(organisation=pending, user=manager)

    assert names_listed(client.get(URL)) == []
    login(resident)
    assert names_listed(client.get(URL)) == []
    login(manager)
    response = client.get(URL)
    assert names_listed(response) == ["Jardins partagés"]
    assert "Awaiting verification" in response.content.decode()


@pytest.mark.parametrize("kind", [ProfileKind.RESIDENT, ProfileKind.AGENT])
def test_residents_tab_lists_residents_only(client, oise, kind):
    UserFactory(
        first_name="Zoé",
        last_name="Typée",
        kind=kind,
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    shown = names_listed(client.get(URL, {"type": "residents"}))
    assert shown == (["Zoé Typée"] if kind == ProfileKind.RESIDENT else [])
