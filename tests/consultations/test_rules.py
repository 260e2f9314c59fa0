"""Every persona against every consultation permission."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from parvis.consultations.models import ResultsVisibility
from parvis.consultations.selectors import answer_refusal
from parvis.consultations.services import response_submit
from parvis.organisations.models import OrganisationKind
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import full_answers

pytestmark = pytest.mark.django_db

PERSONAS = [
    "visitor",
    "resident",
    "other_resident",
    "association_manager",
    "official",
    "moderator",
    "agent",
    "other_agent",
]


@pytest.fixture
def other_agent(oise):
    """The agent of another institution (the town hall of Compiègne)."""
    town_hall = OrganisationFactory(
        name="Mairie de Compiègne",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        commune=oise["compiegne"],
    )
    user = UserFactory(commune=oise["compiegne"])
    MembershipFactory(organisation=town_hall, user=user)
    return user


@pytest.fixture
def persona(request):
    def get(name):
        if name == "visitor":
            return AnonymousUser()
        return request.getfixturevalue(name)

    return get


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("visitor", False),
        ("resident", False),
        ("other_resident", False),
        ("association_manager", False),
        ("official", False),
        ("moderator", True),
        ("agent", True),
        ("other_agent", True),
    ],
)
def test_who_may_create_a_consultation(persona, name, allowed):
    assert persona(name).has_perm("consultations.create_consultation") is allowed


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("visitor", False),
        ("resident", False),
        ("other_resident", False),
        ("association_manager", False),
        ("official", False),
        ("moderator", True),
        ("agent", True),
        ("other_agent", False),
    ],
)
def test_who_may_manage_a_consultation(persona, make_consultation, name, allowed):
    consultation = make_consultation()
    user = persona(name)
    assert user.has_perm("consultations.manage_consultation", consultation) is allowed
    assert user.has_perm("consultations.edit_questions", consultation) is allowed


def test_nobody_edits_the_questions_once_someone_answered(
    make_consultation, agent, moderator, resident
):
    consultation = make_consultation()
    response_submit(consultation=consultation, member=resident, answers=full_answers(consultation))
    assert agent.has_perm("consultations.manage_consultation", consultation)
    assert not agent.has_perm("consultations.edit_questions", consultation)
    assert not moderator.has_perm("consultations.edit_questions", consultation)


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("visitor", "login"),
        ("resident", "not_targeted"),  # Beauvais
        ("other_resident", None),  # Compiègne
        ("association_manager", "not_targeted"),  # Beauvais
        ("official", None),  # Compiègne
        ("moderator", "not_targeted"),  # Beauvais: moderators answer as residents, no more
        ("agent", "not_targeted"),  # Beauvais
        ("other_agent", None),  # Compiègne
    ],
)
def test_who_may_answer_a_consultation_of_the_compiegne_epci(
    persona, make_consultation, oise, name, refusal
):
    consultation = make_consultation(audience=[oise["epcis"][1]])
    user = persona(name)
    found = answer_refusal(consultation, user)
    assert (found.code if found else None) == refusal
    assert user.has_perm("consultations.answer_consultation", consultation) is (refusal is None)


def test_superuser_gets_no_answer_right_from_django_permissions(make_consultation, oise):
    consultation = make_consultation(audience=[oise["epcis"][1]])
    admin = UserFactory(commune=oise["beauvais"], is_staff=True, is_superuser=True)
    assert answer_refusal(consultation, admin).code == "not_targeted"


@pytest.mark.parametrize("name", PERSONAS)
def test_results_after_closing_stay_with_the_institution_while_open(
    persona, make_consultation, name
):
    consultation = make_consultation(results_visibility=ResultsVisibility.AFTER_CLOSING)
    allowed = name in {"moderator", "agent"}
    assert persona(name).has_perm("consultations.view_results", consultation) is allowed


@pytest.mark.parametrize("name", PERSONAS)
def test_live_results_and_closed_consultations_are_public(persona, make_consultation, name):
    live = make_consultation(results_visibility=ResultsVisibility.LIVE)
    now = timezone.now()
    closed = make_consultation(
        title="Fermée",
        results_visibility=ResultsVisibility.AFTER_CLOSING,
        opens_at=now - dt.timedelta(days=9),
        closes_at=now - dt.timedelta(days=1),
    )
    user = persona(name)
    assert user.has_perm("consultations.view_results", live)
    assert user.has_perm("consultations.view_results", closed)


def test_live_results_wait_for_the_opening(make_consultation, resident):
    now = timezone.now()
    upcoming = make_consultation(
        opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=9)
    )
    assert not resident.has_perm("consultations.view_results", upcoming)


def test_unverified_member_may_not_answer(make_consultation, oise):
    consultation = make_consultation()
    member = UserFactory(commune=oise["beauvais"], verified_email=False)
    assert answer_refusal(consultation, member).code == "not_identified"


def test_member_without_commune_is_asked_for_it(make_consultation):
    consultation = make_consultation()
    member = UserFactory(commune=None)
    assert answer_refusal(consultation, member).code == "no_commune"
