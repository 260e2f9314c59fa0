"""The questions' other pages in place for members (htmx); the page without it."""

import pytest
from django.test import Client

from parvis.questions.models import QuestionStatus, Theme

from ..in_place import found_in_place, next_page_in_place

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


def test_a_member_changes_the_questions_status_tab_and_theme_in_place(
    login, resident, make_question
):
    make_question(title="Quand la rue Gambetta sera-t-elle refaite ?")
    make_question(title="Pourquoi la piscine ferme-t-elle en août ?", theme=Theme.CULTURE)
    make_question(title="Qui répare l'éclairage du parc ?", status=QuestionStatus.ANSWERED)
    visitor = Client().get("/questions/").content.decode()
    assert 'id="question-status-repondues"' in visitor and "hx-get" not in visitor
    member = login(resident)
    page = member.get("/questions/").content.decode()
    assert 'id="question-filters"' in page and 'hx-trigger="change, submit"' in page
    html = found_in_place(
        member,
        "/questions/?statut=repondues",
        "question-found",
        "question-status-repondues",
        "1 question",
    )
    assert "éclairage du parc" in html and "rue Gambetta" not in html
    assert '<a id="question-status-repondues" href="/questions/?statut=repondues"' in html
    assert 'hx-push-url="true" aria-current="page">Answered</a>' in html
    assert '<input type="hidden" name="statut" value="repondues">' in html  # the theme keeps it
    html = found_in_place(
        member,
        "/questions/?statut=publiees&theme=culture",
        "question-found",
        "question-filters",
        "1 question",
    )
    assert "la piscine" in html and "rue Gambetta" not in html
    assert '<details class="filters" open>' in html  # the panel stays open
    assert 'href="/questions/?statut=repondues&amp;theme=culture"' in html  # tabs keep the theme
