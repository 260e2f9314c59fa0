"""Targeting is exact: members of three communes in two EPCIs — Beauvais (CA du Beauvaisis),
Compiègne and Margny-lès-Compiègne (both in the ARC) — and who may answer what."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from parvis.consultations.models import Response
from parvis.consultations.selectors import answer_refusal, consultation_list, open_for
from parvis.consultations.services import response_submit
from tests.factories import UserFactory

from .conftest import full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(oise):
    return {name: UserFactory(commune=oise[name]) for name in ("beauvais", "compiegne", "margny")}


#: audience (names in the ``oise`` fixture) → the communes whose residents may answer.
CASES = [
    ([], {"beauvais", "compiegne", "margny"}),
    (["departement"], {"beauvais", "compiegne", "margny"}),
    (["arc"], {"compiegne", "margny"}),
    (["ca_beauvaisis"], {"beauvais"}),
    (["arr_compiegne"], {"compiegne", "margny"}),
    (["arr_beauvais"], {"beauvais"}),
    (["margny"], {"margny"}),
    (["compiegne"], {"compiegne"}),
    (["beauvais", "margny"], {"beauvais", "margny"}),
    (["ca_beauvaisis", "margny"], {"beauvais", "margny"}),
]


def territories(oise, names):
    named = {
        "departement": oise["departement"],
        "arr_beauvais": oise["arrondissements"][0],
        "arr_compiegne": oise["arrondissements"][1],
        "ca_beauvaisis": oise["epcis"][0],
        "arc": oise["epcis"][1],
        "beauvais": oise["beauvais"],
        "compiegne": oise["compiegne"],
        "margny": oise["margny"],
    }
    return [named[name] for name in names]


@pytest.mark.parametrize(("audience", "allowed"), CASES)
def test_exactly_the_residents_of_the_target_may_answer(
    make_consultation, members, oise, audience, allowed
):
    consultation = make_consultation(audience=territories(oise, audience))
    for name, member in members.items():
        refusal = answer_refusal(consultation, member)
        if name in allowed:
            assert refusal is None, name
            response_submit(
                consultation=consultation, member=member, answers=full_answers(consultation)
            )
        else:
            assert refusal.code == "not_targeted", name
            assert member.commune.name in refusal.message
            with pytest.raises(ValidationError):
                response_submit(
                    consultation=consultation, member=member, answers=full_answers(consultation)
                )
    answered = set(
        Response.objects.filter(consultation=consultation).values_list("commune__slug", flat=True)
    )
    slugs = {"beauvais": "beauvais", "compiegne": "compiègne", "margny": "margny-lès-compiègne"}
    assert answered == {slugs[name] for name in allowed}


@pytest.mark.parametrize(("audience", "allowed"), CASES)
def test_the_home_page_offers_each_member_what_they_may_answer(
    make_consultation, members, oise, audience, allowed
):
    consultation = make_consultation(audience=territories(oise, audience))
    for name, member in members.items():
        offered = [c.pk for c in open_for(member, 5)]
        assert offered == ([consultation.pk] if name in allowed else []), name


def test_the_list_shows_everything_but_puts_my_territory_first(make_consultation, members, oise):
    for_beauvais = make_consultation(title="Beauvaisis", audience=[oise["epcis"][0]])
    for_arc = make_consultation(title="ARC", audience=[oise["epcis"][1]])
    everyone = make_consultation(title="Tous")

    def titles(member):
        return [(c.title, c.concerns_me) for c in consultation_list(member)]

    margny = titles(members["margny"])
    assert set(margny[:2]) == {("ARC", True), ("Tous", True)}
    assert margny[2] == ("Beauvaisis", False)
    beauvais = titles(members["beauvais"])
    assert set(beauvais[:2]) == {("Beauvaisis", True), ("Tous", True)}
    assert beauvais[2] == ("ARC", False)
    assert {c.pk for c in consultation_list(members["beauvais"])} == {
        for_beauvais.pk,
        for_arc.pk,
        everyone.pk,
    }


def test_a_member_who_moved_away_can_no_longer_change_their_answer(
    make_consultation, members, oise
):
    consultation = make_consultation(audience=[oise["epcis"][1]])
    member = members["compiegne"]
    response_submit(consultation=consultation, member=member, answers=full_answers(consultation))
    member.commune = oise["beauvais"]
    member.save(update_fields=["commune"])

    with pytest.raises(ValidationError) as error:
        response_submit(
            consultation=consultation,
            member=member,
            answers=full_answers(consultation, scale=1),
        )
    assert error.value.code == "not_targeted"
    response = Response.objects.get()
    assert response.commune == oise["compiegne"]  # the commune at answer time
    assert response.answers.get(question__kind="scale_1_5").scale == 4


def test_forged_commune_ids_in_the_list_filter_change_nothing(client, make_consultation, oise):
    make_consultation(title="Pour Margny", audience=[oise["margny"]])
    make_consultation(title="Pour Beauvais", audience=[oise["beauvais"]])

    page = client.get("/consultations/?commune=60382").content.decode()
    assert "Pour Margny" in page and "Pour Beauvais" not in page
    for forged in ("99999", "'; DROP TABLE", "6038" * 50, str(oise["epcis"][1].code)):
        response = client.get("/consultations/", {"commune": forged})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Unknown commune" in page
        assert "Pour Margny" in page and "Pour Beauvais" in page


def test_visitors_are_offered_the_departement_wide_consultations(make_consultation, oise):
    everyone = make_consultation(title="Tous")
    departement = make_consultation(title="Département", audience=[oise["departement"]])
    make_consultation(title="ARC", audience=[oise["epcis"][1]])
    offered = {c.pk for c in open_for(AnonymousUser(), 5)}
    assert offered == {everyone.pk, departement.pk}
