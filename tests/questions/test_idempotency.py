"""A question (and a first answer) sent twice is recorded once."""

import pytest
from django.urls import reverse

from parvis.questions.models import Question, Theme
from tests.idempotency import assert_form_has_token, assert_retry_after_error, assert_sent_once

pytestmark = pytest.mark.django_db


def test_a_question_sent_twice_is_asked_once(login, resident, mayor):
    client = login(resident)
    url = reverse("questions:ask")
    assert_form_has_token(client, url)
    data = {
        "addressee": f"official:{mayor.pk}",
        "theme": Theme.ROADS,
        "title": "Quand la rue Gambetta sera-t-elle refaite ?",
        "body": "La chaussée est dégradée depuis l'hiver dernier, avec des nids-de-poule.",
    }
    assert_retry_after_error(client, url, {**data, "title": ""}, data, Question.objects.count)
    assert_sent_once(client, url, {**data, "title": "Et la rue Carnot ?"}, Question.objects.count)
