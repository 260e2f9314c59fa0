"""Shared fixtures of the consultations tests: an institution, its agent, consultations."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.accounts.models import ProfileKind
from parvis.consultations.models import (
    Consultation,
    ConsultationStatus,
    Option,
    Question,
    QuestionKind,
    ResultsVisibility,
)
from parvis.organisations.models import OrganisationKind, OrganisationRole
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def institution(oise):
    return OrganisationFactory(
        name="Conseil départemental de l'Oise",
        slug="conseil-departemental-de-l-oise",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        siren="226000017",
        commune=oise["beauvais"],
    )


@pytest.fixture
def agent(oise, institution):
    """An editor of the départemental council (an institution agent)."""
    user = UserFactory(
        email="agent@oise.example",
        first_name="Sophie",
        last_name="Lambert",
        kind=ProfileKind.AGENT,
        commune=oise["beauvais"],
    )
    MembershipFactory(organisation=institution, user=user, role=OrganisationRole.EDITOR)
    return user


#: The default questions of ``create_consultation``: (kind, text, required, options).
DEFAULT_QUESTIONS = [
    (QuestionKind.SINGLE, "Faut-il prolonger la piste cyclable ?", True, ["Oui", "Non"]),
    (
        QuestionKind.MULTIPLE,
        "Quels aménagements ?",
        True,
        ["Stationnement vélo", "Éclairage", "Bancs"],
    ),
    (QuestionKind.SCALE, "Votre satisfaction actuelle ?", True, []),
    (QuestionKind.TEXT, "Une remarque ?", False, []),
]


def create_consultation(*, organisation, created_by=None, questions=None, audience=(), **fields):
    """A consultation written directly (no service), open now for ten days by default."""
    now = timezone.now()
    values = {
        "title": "Plan vélo départemental",
        "context": "Nous voulons **votre avis**.",
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=10),
        "status": ConsultationStatus.PUBLISHED,
        "results_visibility": ResultsVisibility.LIVE,
        **fields,
    }
    if values["status"] == ConsultationStatus.PUBLISHED:
        values.setdefault("published_at", now)
    consultation = Consultation.objects.create(
        organisation=organisation, created_by=created_by, **values
    )
    consultation.audience.set(audience)
    for order, (kind, text, required, options) in enumerate(
        DEFAULT_QUESTIONS if questions is None else questions, start=1
    ):
        question = Question.objects.create(
            consultation=consultation, order=order, kind=kind, text=text, required=required
        )
        for position, label in enumerate(options, start=1):
            Option.objects.create(question=question, label=label, order=position)
    return consultation


@pytest.fixture
def make_consultation(institution, agent):
    def _make(**fields):
        fields.setdefault("organisation", institution)
        fields.setdefault("created_by", agent)
        return create_consultation(**fields)

    return _make


def full_answers(consultation, *, single=0, multiple=(0,), scale=4, text="Très bien"):
    """``{question_pk: value}`` answering every default question (option by position)."""
    values = {}
    for question in consultation.questions.order_by("order"):
        options = list(question.options.order_by("order"))
        if question.kind == QuestionKind.SINGLE:
            values[question.pk] = options[single].pk
        elif question.kind == QuestionKind.MULTIPLE:
            values[question.pk] = [options[i].pk for i in multiple]
        elif question.kind == QuestionKind.SCALE:
            values[question.pk] = scale
        else:
            values[question.pk] = text
    return values


def question(consultation, kind):
    return consultation.questions.get(kind=kind)
