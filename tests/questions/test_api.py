"""``/api/questions/``: the same reads, rules and services as the pages."""

import pytest
from rest_framework.test import APIClient

from parvis.accounts.services import api_token_create
from parvis.questions.models import Question, QuestionStatus, Theme

from ..moderation.helpers import hide

BODY = "La chaussée est dégradée depuis l'hiver dernier, avec des nids-de-poule."


def as_user(user):
    _, key = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_visitors_list_published_questions_only(make_question):
    make_question(title="Quand la piscine rouvrira-t-elle ?")
    make_question(status=QuestionStatus.PENDING, title="En attente de modération ?")
    response = APIClient().get("/api/questions/")
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    assert titles == ["Quand la piscine rouvrira-t-elle ?"]
    row = response.json()["results"][0]
    assert row["official"]["name"] == "Claire Rousseau"
    assert row["commune"] == "Beauvais"
    assert "author" not in row


def test_a_member_asks_through_the_api_with_the_forms_rules(resident, mayor, official):
    client = as_user(resident)
    response = client.post(
        "/api/questions/",
        {
            "official": mayor.pk,
            "theme": Theme.ROADS,
            "title": "Quand la rue sera-t-elle refaite ?",
            "body": BODY,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    # The same refusals as the form, by field, nothing stored.
    for payload, field in (
        ({"official": official.pk}, "addressee"),  # Compiègne's mayor: not Camille's
        ({"official": 999999}, "addressee"),
        ({"title": "Route ?"}, "title"),
        ({"body": "Court."}, "body"),
        ({"theme": "weather"}, "theme"),
        ({"official": None}, "addressee"),
    ):
        data = {
            "official": mayor.pk,
            "theme": Theme.ROADS,
            "title": "Quand la rue sera-t-elle refaite ?",
            "body": BODY,
        }
        data.update(payload)
        response = client.post("/api/questions/", data, format="json")
        assert response.status_code == 400, (payload, response.content)
        assert field in response.json(), (payload, response.json())
    assert Question.objects.count() == 1


def test_visitors_cannot_ask(mayor):
    response = APIClient().post("/api/questions/", {"official": mayor.pk}, format="json")
    assert response.status_code in (401, 403)
    assert not Question.objects.exists()


def test_support_follow_and_answer(make_question, other_resident, mayor, resident):
    question = make_question()
    response = as_user(other_resident).post(f"/api/questions/{question.pk}/soutien/")
    assert response.status_code == 200
    assert response.json()["support_count"] == 1
    response = as_user(other_resident).delete(f"/api/questions/{question.pk}/soutien/")
    assert response.json()["support_count"] == 0
    # Only the official answers.
    response = as_user(resident).post(
        f"/api/questions/{question.pk}/reponse/", {"answer": "Non."}, format="json"
    )
    assert response.status_code == 403
    response = as_user(mayor).post(
        f"/api/questions/{question.pk}/reponse/", {"answer": "En mars."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "answered"
    assert response.json()["answer"] == "En mars."


def test_the_statement_of_reasons_is_for_the_author_only(make_question, resident, other_resident):
    question = make_question(status=QuestionStatus.REFUSED, refusal_reason="Règle 1.")
    assert (
        as_user(resident).get(f"/api/questions/{question.pk}/").json()["refusal_reason"]
        == "Règle 1."
    )
    assert as_user(other_resident).get(f"/api/questions/{question.pk}/").status_code == 404


def test_a_hidden_question_leaves_the_api(make_question, moderator):
    question = make_question()
    hide(question, moderator)
    assert APIClient().get(f"/api/questions/{question.pk}/").status_code == 404
    assert APIClient().get("/api/questions/").json()["results"] == []


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_a_constant_number_of_queries(
    make_question, count, django_assert_max_num_queries
):
    for index in range(count):
        make_question(title=f"Question numéro {index} sur la commune ?")
    with django_assert_max_num_queries(6):
        assert APIClient().get("/api/questions/").status_code == 200
