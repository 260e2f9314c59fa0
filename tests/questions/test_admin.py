"""The moderators' queue of questions in the admin: publish, or refuse with a statement of
reasons (the intermediate page of ``core.admin.reason_action``)."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from parvis.questions.models import QuestionStatus

QUEUE = "/admin/questions/pendingquestion/"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PARVIS_STAFF_MFA_REQUIRED = False


def test_the_moderators_group_has_the_questions_permissions(db):
    codenames = set(
        Group.objects.get(name="Modérateurs")
        .permissions.filter(content_type__app_label="questions")
        .values_list("codename", flat=True)
    )
    assert {"view_question", "change_question"} <= codenames


def test_the_queue_lists_pending_questions_only(login, moderator, make_question):
    make_question(status=QuestionStatus.PENDING, title="Une question à modérer ?")
    make_question(title="Une question déjà publiée ?")
    content = login(moderator).get(QUEUE).content.decode()
    assert "Une question à modérer ?" in content
    assert "déjà publiée" not in content


def test_a_member_cannot_open_the_queue(login, resident):
    assert login(resident).get(QUEUE).status_code == 302


def test_publish_from_the_queue(
    login, moderator, make_question, django_capture_on_commit_callbacks
):
    question = make_question(status=QuestionStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        login(moderator).post(
            QUEUE, {"action": "publish_questions", "_selected_action": [question.pk]}
        )
    question.refresh_from_db()
    assert question.status == QuestionStatus.PUBLISHED


def test_refusing_without_a_reason_changes_nothing_then_with_one_tells_the_author(
    login, moderator, make_question, resident, django_capture_on_commit_callbacks
):
    question = make_question(status=QuestionStatus.PENDING)
    client = login(moderator)
    data = {"action": "refuse_questions", "_selected_action": [question.pk], "apply": "1"}
    client.post(QUEUE, {**data, "reason": ""})
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(QUEUE, {**data, "reason": "Un cas personnel (règle 1)."})
    question.refresh_from_db()
    assert question.status == QuestionStatus.REFUSED
    assert any(
        "Un cas personnel (règle 1)." in m.body for m in mail.outbox if resident.email in m.to
    )


def test_the_dashboard_lists_the_questions_queue_and_the_page_has_decision_buttons(
    login, moderator, make_question, django_capture_on_commit_callbacks
):
    question = make_question(status=QuestionStatus.PENDING, title="Une question à modérer ?")
    client = login(moderator)
    assert moderator.has_perm("questions.change_question")  # the moderators' group gives it
    dashboard = client.get("/admin/").content.decode()
    assert "Questions to the elected officials to moderate" in dashboard
    page = client.get(f"{QUEUE}{question.pk}/change/").content.decode()
    assert "Publish" in page and "Refuse" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{QUEUE}{question.pk}/decision/approve/")
    question.refresh_from_db()
    assert question.status == QuestionStatus.PUBLISHED, response.status_code
