"""Consultations in the moderators' admin: creation with inline questions, options on the
question's page, locking once answered, publishing drafts, deleting messages with a reason."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from parvis.consultations.models import Consultation, ConsultationStatus, Question
from parvis.consultations.services import response_submit

from .conftest import full_answers

CONSULTATIONS = "/admin/consultations/consultation/"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PARVIS_STAFF_MFA_REQUIRED = False


def test_moderators_group_has_the_consultations_permissions(db):
    codenames = set(
        Group.objects.get(name="Modérateurs")
        .permissions.filter(content_type__app_label="consultations")
        .values_list("codename", flat=True)
    )
    assert {"add_consultation", "change_consultation", "add_question", "add_option"} <= codenames
    assert "delete_consultation" not in codenames


def test_moderator_creates_a_consultation_with_its_questions(login, moderator, institution):
    now = timezone.localtime()
    data = {
        "title": "Budget participatif",
        "slug": "budget-participatif",
        "organisation": str(institution.pk),
        "context": "",
        "audience": "",
        "opens_at_0": now.strftime("%Y-%m-%d"),
        "opens_at_1": "08:00:00",
        "closes_at_0": (now + dt.timedelta(days=30)).strftime("%Y-%m-%d"),
        "closes_at_1": "18:00:00",
        "results_visibility": "live",
        "status": "published",
        "conclusion": "",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-order": "1",
        "questions-0-kind": "scale_1_5",
        "questions-0-text": "Le budget participatif vous intéresse ?",
        "questions-0-required": "on",
    }
    response = login(moderator).post(CONSULTATIONS + "add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    consultation = Consultation.objects.get()
    assert consultation.created_by == moderator
    assert consultation.status == ConsultationStatus.PUBLISHED
    assert consultation.published_at is not None
    assert consultation.questions.get().kind == "scale_1_5"


def test_an_association_cannot_consult_in_the_admin(login, moderator, association):
    now = timezone.localtime()
    data = {
        "title": "X",
        "slug": "x",
        "organisation": str(association.pk),
        "opens_at_0": now.strftime("%Y-%m-%d"),
        "opens_at_1": "08:00:00",
        "closes_at_0": (now + dt.timedelta(days=3)).strftime("%Y-%m-%d"),
        "closes_at_1": "18:00:00",
        "results_visibility": "live",
        "status": "draft",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    response = login(moderator).post(CONSULTATIONS + "add/", data)
    assert response.status_code == 200
    assert not Consultation.objects.exists()


def test_questions_are_read_only_once_answered(login, moderator, make_consultation, resident):
    consultation = make_consultation()
    client = login(moderator)
    page = client.get(f"{CONSULTATIONS}{consultation.pk}/change/").content.decode()
    assert 'name="questions-0-text"' in page

    response_submit(consultation=consultation, member=resident, answers=full_answers(consultation))
    page = client.get(f"{CONSULTATIONS}{consultation.pk}/change/").content.decode()
    assert 'name="questions-0-text"' not in page
    assert "Faut-il prolonger la piste cyclable ?" in page
    question = consultation.questions.first()
    response = client.post(
        f"/admin/consultations/question/{question.pk}/change/",
        {"text": "Changée", "kind": "single", "order": "1", "consultation": consultation.pk},
    )
    assert response.status_code == 403
    assert Question.objects.get(pk=question.pk).text != "Changée"


def test_moderator_publishes_drafts(login, moderator, make_consultation):
    draft = make_consultation(status=ConsultationStatus.DRAFT, published_at=None)
    login(moderator).post(
        CONSULTATIONS, {"action": "publish_consultations", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == ConsultationStatus.PUBLISHED


def test_residents_cannot_open_the_consultations_admin(login, resident):
    assert login(resident).get(CONSULTATIONS).status_code == 302
