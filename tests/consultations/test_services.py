"""Writes of consultations: creation, edition, publication, answers, conclusion (the discussion:
test_comments.py)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parvis.accounts.models import VerificationStatus
from parvis.consultations import services
from parvis.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Option,
    QuestionKind,
    Response,
)
from parvis.organisations.models import OrganisationKind
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import full_answers, question

pytestmark = pytest.mark.django_db


def payload(institution, **overrides):
    now = timezone.now()
    data = {
        "title": "Horaires des médiathèques",
        "context": "Dites-nous **quand** venir.",
        "organisation": institution,
        "audience": [],
        "opens_at": None,
        "closes_at": now + dt.timedelta(days=20),
        "results_visibility": "after_closing",
        "questions": [
            {"kind": "single", "text": "Ouvrir le dimanche ?", "options": ["Oui", "Non"]},
            {"kind": "scale_1_5", "text": "Les horaires actuels vous conviennent ?"},
            {"kind": "short_text", "text": "Une idée ?", "required": False},
        ],
    }
    data.update(overrides)
    return data


# --- creation -------------------------------------------------------------------------------------


def test_agent_creates_a_draft_with_its_questions_and_options(agent, institution):
    consultation = services.consultation_create(author=agent, data=payload(institution))

    assert consultation.status == ConsultationStatus.DRAFT
    assert consultation.slug == "horaires-des-mediatheques"
    assert consultation.created_by == agent
    assert consultation.opens_at <= timezone.now()
    questions = list(consultation.questions.order_by("order"))
    assert [q.kind for q in questions] == ["single", "scale_1_5", "short_text"]
    assert [o.label for o in questions[0].options.order_by("order")] == ["Oui", "Non"]
    assert questions[2].required is False


def test_agent_publishes_at_once(agent, institution):
    consultation = services.consultation_create(
        author=agent, data=payload(institution), publish=True
    )
    assert consultation.status == ConsultationStatus.PUBLISHED
    assert consultation.published_at is not None


def test_moderator_consults_for_any_verified_institution(moderator, institution):
    consultation = services.consultation_create(author=moderator, data=payload(institution))
    assert consultation.organisation == institution


@pytest.mark.parametrize("persona", ["resident", "association_manager", "official"])
def test_members_who_are_not_agents_cannot_consult(request, persona, institution):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.consultation_create(author=user, data=payload(institution))
    assert not Consultation.objects.exists()


def test_agent_of_an_unverified_institution_is_not_an_agent(oise):
    pending = OrganisationFactory(
        kind=OrganisationKind.INSTITUTION,
        rna="",
        status=VerificationStatus.PENDING,
        commune=oise["beauvais"],
    )
    user = UserFactory(commune=oise["beauvais"])
    MembershipFactory(organisation=pending, user=user)
    with pytest.raises(PermissionDenied):
        services.consultation_create(author=user, data=payload(pending))


def test_agent_cannot_consult_for_another_institution(agent, oise):
    other = OrganisationFactory(kind=OrganisationKind.INSTITUTION, rna="", commune=oise["beauvais"])
    with pytest.raises(ValidationError) as error:
        services.consultation_create(author=agent, data=payload(other))
    assert "organisation" in error.value.message_dict
    assert not Consultation.objects.exists()


def test_an_association_cannot_run_a_consultation(moderator, association):
    with pytest.raises(ValidationError) as error:
        services.consultation_create(author=moderator, data=payload(association))
    assert "organisation" in error.value.message_dict


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "Ask at least one question."),
        ([{"kind": "single", "text": "Oui ?", "options": ["Oui"]}], "between 2 and 20 options"),
        ([{"kind": "multiple", "text": "Quoi ?", "options": ["A", "a"]}], "given twice"),
        ([{"kind": "scale_1_5", "text": "Note ?", "options": ["1"]}], "only choice questions"),
        ([{"kind": "essay", "text": "Quoi ?"}], "kinds of question"),
        ([{"kind": "short_text", "text": "   "}], "write the question"),
        ([{"kind": "short_text", "text": "x" * 501}], "too long"),
        ("pas une liste", "as a list"),
    ],
)
def test_bad_questions_are_refused_and_nothing_is_created(agent, institution, questions, message):
    with pytest.raises(ValidationError) as error:
        services.consultation_create(author=agent, data=payload(institution, questions=questions))
    assert message in " ".join(error.value.message_dict["questions"])
    assert not Consultation.objects.exists()


def test_closing_must_come_after_opening(agent, institution):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.consultation_create(
            author=agent,
            data=payload(
                institution,
                opens_at=now + dt.timedelta(days=5),
                closes_at=now + dt.timedelta(days=1),
            ),
        )
    assert "closes_at" in error.value.message_dict


def test_cannot_publish_a_consultation_whose_closing_is_past(agent, institution):
    now = timezone.now()
    consultation = services.consultation_create(
        author=agent,
        data=payload(
            institution, opens_at=now - dt.timedelta(days=5), closes_at=now - dt.timedelta(days=1)
        ),
    )
    with pytest.raises(ValidationError):
        services.consultation_publish(consultation=consultation, actor=agent)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.DRAFT


# --- edition --------------------------------------------------------------------------------------


def test_questions_can_change_until_someone_answers(agent, institution, resident):
    consultation = services.consultation_create(
        author=agent, data=payload(institution), publish=True
    )
    services.consultation_update(
        consultation=consultation,
        editor=agent,
        data={"questions": [{"kind": "single", "text": "Le samedi ?", "options": ["Oui", "Non"]}]},
    )
    assert list(consultation.questions.values_list("text", flat=True)) == ["Le samedi ?"]

    services.response_submit(
        consultation=consultation,
        member=resident,
        answers={
            consultation.questions.get().pk: [consultation.questions.get().options.first().pk]
        },
    )
    with pytest.raises(ValidationError) as error:
        services.consultation_update(
            consultation=consultation,
            editor=agent,
            data={"questions": [{"kind": "short_text", "text": "Autre ?"}]},
        )
    assert "already answered" in " ".join(error.value.message_dict["questions"])
    assert list(consultation.questions.values_list("text", flat=True)) == ["Le samedi ?"]
    # Other fields still change.
    services.consultation_update(consultation=consultation, editor=agent, data={"title": "Samedi"})
    consultation.refresh_from_db()
    assert (consultation.title, consultation.slug) == ("Samedi", "samedi")


def test_a_stranger_cannot_edit(make_consultation, resident, association_manager):
    consultation = make_consultation()
    for user in (resident, association_manager):
        with pytest.raises(PermissionDenied):
            services.consultation_update(
                consultation=consultation, editor=user, data={"title": "X"}
            )
    consultation.refresh_from_db()
    assert consultation.title == "Plan vélo départemental"


# --- answering ------------------------------------------------------------------------------------


def test_member_answers_once_and_changes_their_answer(make_consultation, resident, beauvais):
    consultation = make_consultation()

    first = services.response_submit(
        consultation=consultation, member=resident, answers=full_answers(consultation)
    )
    assert first.created
    assert first.commune == beauvais
    consultation.refresh_from_db()
    assert consultation.response_count == 1

    second = services.response_submit(
        consultation=consultation,
        member=resident,
        answers=full_answers(consultation, single=1, multiple=(1, 2), scale=2, text=""),
    )
    assert not second.created
    assert second.pk == first.pk
    assert Response.objects.count() == 1
    consultation.refresh_from_db()
    assert consultation.response_count == 1
    answers = {a.question.kind: a for a in Answer.objects.select_related("question")}
    assert [o.label for o in answers["single"].options.all()] == ["Non"]
    assert sorted(o.label for o in answers["multiple"].options.all()) == ["Bancs", "Éclairage"]
    assert answers["scale_1_5"].scale == 2
    assert "short_text" not in answers  # optional, left empty this time


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("single", "other-option", "Choose among the options"),
        ("single", "forged", "Choose among the options"),
        ("single", "two", "Choose only one option."),
        ("multiple", "other-option", "Choose among the options"),
        ("scale_1_5", 6, "from 1 to 5"),
        ("scale_1_5", 0, "from 1 to 5"),
        ("scale_1_5", "beaucoup", "from 1 to 5"),
        ("short_text", "x" * 501, "too long"),
        ("short_text", {"html": 1}, "as text"),
        ("single", None, "needs an answer"),
        ("scale_1_5", "", "needs an answer"),
    ],
)
def test_bad_answers_are_refused_and_nothing_changes(
    make_consultation, resident, kind, value, message
):
    consultation = make_consultation()
    other = make_consultation(title="Autre consultation")
    answers = full_answers(consultation)
    target = question(consultation, kind)
    if value == "other-option":  # an option of another consultation's question
        value = question(other, kind).options.first().pk
    elif value == "forged":
        value = 999999
    elif value == "two":
        value = list(target.options.values_list("pk", flat=True))
    answers[target.pk] = value

    with pytest.raises(ValidationError) as error:
        services.response_submit(consultation=consultation, member=resident, answers=answers)

    assert message in " ".join(error.value.message_dict[f"question_{target.pk}"])
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    consultation.refresh_from_db()
    assert consultation.response_count == 0


def test_answer_to_a_question_of_another_consultation_is_refused(make_consultation, resident):
    consultation = make_consultation()
    other = make_consultation(title="Autre")
    answers = full_answers(consultation)
    answers[question(other, QuestionKind.SCALE).pk] = 3
    with pytest.raises(ValidationError) as error:
        services.response_submit(consultation=consultation, member=resident, answers=answers)
    assert "not part of this consultation" in " ".join(error.value.messages)
    assert not Response.objects.exists()


def test_a_changed_answer_that_is_invalid_keeps_the_previous_one(make_consultation, resident):
    consultation = make_consultation()
    services.response_submit(
        consultation=consultation, member=resident, answers=full_answers(consultation, scale=5)
    )
    bad = full_answers(consultation, scale=9)
    with pytest.raises(ValidationError):
        services.response_submit(consultation=consultation, member=resident, answers=bad)
    assert Answer.objects.get(question__kind="scale_1_5").scale == 5


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": ConsultationStatus.DRAFT}, "draft"),
        ({"opens_at_days": 2, "closes_at_days": 9}, "not_open"),
        ({"opens_at_days": -9, "closes_at_days": -1}, "closed"),
    ],
)
def test_answers_outside_the_opening_are_refused(make_consultation, resident, fields, code):
    now = timezone.now()
    if "opens_at_days" in fields:
        fields = {
            "opens_at": now + dt.timedelta(days=fields["opens_at_days"]),
            "closes_at": now + dt.timedelta(days=fields["closes_at_days"]),
        }
    consultation = make_consultation(**fields)
    with pytest.raises(ValidationError) as error:
        services.response_submit(
            consultation=consultation, member=resident, answers=full_answers(consultation)
        )
    assert error.value.code == code
    assert not Response.objects.exists()


def test_visitor_and_unverified_member_cannot_answer(make_consultation, oise):
    consultation = make_consultation()
    with pytest.raises(ValidationError) as error:
        services.response_submit(
            consultation=consultation, member=AnonymousUser(), answers=full_answers(consultation)
        )
    assert error.value.code == "login"
    unverified = UserFactory(commune=oise["beauvais"], verified_email=False)
    with pytest.raises(ValidationError) as error:
        services.response_submit(
            consultation=consultation, member=unverified, answers=full_answers(consultation)
        )
    assert error.value.code == "not_identified"
    assert not Response.objects.exists()


def test_response_of_an_erased_member_stays_in_the_results(make_consultation, resident):
    consultation = make_consultation()
    services.response_submit(
        consultation=consultation, member=resident, answers=full_answers(consultation)
    )
    resident.delete()
    response = Response.objects.get()
    assert response.member is None
    assert response.commune is not None
    consultation.refresh_from_db()
    assert consultation.response_count == 1


# --- conclusion -----------------------------------------------------------------------------------


def test_conclusion_is_published_once_closed(make_consultation, agent, resident):
    now = timezone.now()
    consultation = make_consultation()
    with pytest.raises(ValidationError):
        services.consultation_conclude(consultation=consultation, actor=agent, conclusion="Merci")
    consultation.closes_at = now - dt.timedelta(minutes=1)
    consultation.save(update_fields=["closes_at"])
    with pytest.raises(PermissionDenied):
        services.consultation_conclude(
            consultation=consultation, actor=resident, conclusion="Merci"
        )
    with pytest.raises(ValidationError):
        services.consultation_conclude(consultation=consultation, actor=agent, conclusion="   ")

    services.consultation_conclude(
        consultation=consultation, actor=agent, conclusion="Nous **prolongeons** la piste."
    )
    consultation.refresh_from_db()
    assert consultation.has_conclusion
    published = consultation.conclusion_published_at
    services.consultation_conclude(consultation=consultation, actor=agent, conclusion="Corrigé")
    consultation.refresh_from_db()
    assert consultation.conclusion == "Corrigé"
    assert consultation.conclusion_published_at == published


def test_options_belong_to_their_question(make_consultation):
    consultation = make_consultation()
    single = question(consultation, QuestionKind.SINGLE)
    assert set(Option.objects.filter(question=single).values_list("label", flat=True)) == {
        "Oui",
        "Non",
    }
