"""Fixtures of the questions tests: a Compiègne mayor and a Beauvais mayor, the départemental
council with an agent, questions in each status."""

import pytest
from django.utils import timezone

from parvis.accounts.models import DirectoryVisibility, MandateRole, ProfileKind
from parvis.organisations.models import OrganisationKind, OrganisationRole
from parvis.questions.models import Question, QuestionStatus, Theme
from tests.factories import MandateFactory, MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def mayor(oise):
    """The mayor of Beauvais, where the resident (Camille) lives."""
    user = UserFactory(
        email="maire@beauvais.example",
        first_name="Claire",
        last_name="Rousseau",
        kind=ProfileKind.OFFICIAL,
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    MandateFactory(user=user, territory=oise["beauvais"], role=MandateRole.MAYOR)
    return user


@pytest.fixture
def councillor(oise):
    """A departmental councillor: every resident of the département may ask them."""
    user = UserFactory(
        email="conseiller@oise.example",
        first_name="Paul",
        last_name="Girard",
        kind=ProfileKind.OFFICIAL,
        commune=oise["compiegne"],
    )
    MandateFactory(
        user=user, territory=oise["departement"], role=MandateRole.DEPARTMENTAL_COUNCILLOR
    )
    return user


@pytest.fixture
def council(oise):
    return OrganisationFactory(
        name="Conseil départemental de l'Oise",
        slug="conseil-departemental-de-l-oise",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        siren="226000017",
        commune=oise["beauvais"],
    )


@pytest.fixture
def agent(oise, council):
    user = UserFactory(
        email="agent@oise.example",
        first_name="Sophie",
        last_name="Lambert",
        kind=ProfileKind.AGENT,
        commune=oise["beauvais"],
    )
    MembershipFactory(organisation=council, user=user, role=OrganisationRole.EDITOR)
    return user


@pytest.fixture
def make_question(resident, mayor):
    def make(status=QuestionStatus.PUBLISHED, **fields):
        now = timezone.now()
        values = {
            "author": resident,
            "commune": resident.commune,
            "official": mayor,
            "theme": Theme.ROADS,
            "title": "Quand la rue Gambetta sera-t-elle refaite ?",
            "body": "La chaussée est dégradée depuis l'hiver dernier, avec des nids-de-poule.",
            "status": status,
            "published_at": now if status != QuestionStatus.PENDING else None,
        }
        values.update(fields)
        return Question.objects.create(**values)

    return make
