"""The questions' other pages in place for members (htmx); the page without it."""

import pytest

from ..in_place import next_page_in_place

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_next_page_of_questions_in_place(
    login, resident, make_question, monkeypatch
):
    monkeypatch.setattr("parvis.questions.views.PAGE_SIZE", 1)
    make_question(title="Quand la rue Gambetta sera-t-elle refaite ?")
    make_question(title="Pourquoi la piscine ferme-t-elle en août ?")
    html = next_page_in_place(login(resident), "/questions/?theme=roads", "question-results")
    assert html.count('class="card"') == 1 and "rue Gambetta" in html  # the older one
    assert "theme=roads" in html  # the links keep the filter


def test_the_unanswered_questions_page_in_place(login, moderator, make_question, monkeypatch):
    monkeypatch.setattr("parvis.questions.views.UNANSWERED_PAGE_SIZE", 1)
    make_question(title="Quand la rue Gambetta sera-t-elle refaite ?")
    make_question(title="Pourquoi la piscine ferme-t-elle en août ?")
    html = next_page_in_place(
        login(moderator), "/questions/sans-reponse/", "unanswered-results", public=False
    )
    assert html.count("<tr><td>") == 1
