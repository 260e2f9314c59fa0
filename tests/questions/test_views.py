"""The pages: list with filters, the question's page, asking, supporting, answering, the
member's questions and the council's unanswered list."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.questions.models import Question, QuestionStatus, Theme
from tests.factories import UserFactory


def test_visitors_read_published_questions_but_never_pending_or_refused_ones(
    visitor, make_question
):
    published = make_question(title="Quand la piscine rouvrira-t-elle ?")
    pending = make_question(status=QuestionStatus.PENDING, title="Une question en attente ?")
    refused = make_question(status=QuestionStatus.REFUSED, title="Une question refusée ici ?")
    page = visitor.get(reverse("questions:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Quand la piscine rouvrira-t-elle ?" in text
    assert "en attente" not in text and "refusée" not in text
    assert visitor.get(published.get_absolute_url()).status_code == 200
    assert visitor.get(pending.get_absolute_url()).status_code == 404
    assert visitor.get(refused.get_absolute_url()).status_code == 404


def test_the_author_is_never_named_publicly(visitor, make_question, resident):
    question = make_question()
    text = visitor.get(question.get_absolute_url()).content.decode()
    assert resident.last_name not in text
    assert "A resident of Beauvais" in text or "resident of Beauvais" in text


def test_filters_by_theme_and_status(visitor, make_question):
    make_question(title="Une question sur les routes ?", theme=Theme.ROADS)
    make_question(
        title="Une question sur les collèges ?",
        theme=Theme.SCHOOLS,
        status=QuestionStatus.ANSWERED,
        answer="Oui.",
        answered_at=timezone.now(),
    )
    text = visitor.get(reverse("questions:index"), {"theme": "schools"}).content.decode()
    assert "collèges" in text and "routes" not in text
    text = visitor.get(reverse("questions:index"), {"statut": "repondues"}).content.decode()
    assert "collèges" in text and "routes" not in text
    # Junk filters are ignored, never an error.
    page = visitor.get(reverse("questions:index"), {"theme": "<script>", "statut": "x", "elu": "y"})
    assert page.status_code == 200


def test_a_member_asks_through_the_form_and_reads_their_pending_question(login, resident, mayor):
    client = login(resident)
    form = client.get(reverse("questions:ask"))
    assert form.status_code == 200
    assert f'value="official:{mayor.pk}"' in form.content.decode()
    response = client.post(
        reverse("questions:ask"),
        {
            "addressee": f"official:{mayor.pk}",
            "theme": Theme.ROADS,
            "title": "Quand la rue Gambetta sera-t-elle refaite ?",
            "body": "La chaussée est dégradée depuis l'hiver dernier, avec des nids-de-poule.",
        },
    )
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == question.get_absolute_url()
    page = client.get(question.get_absolute_url()).content.decode()
    assert "This question awaits moderation." in page


def test_the_form_refuses_an_official_who_does_not_represent_the_member(login, resident, official):
    client = login(resident)
    response = client.post(
        reverse("questions:ask"),
        {
            "addressee": f"official:{official.pk}",
            "theme": Theme.ROADS,
            "title": "Quand la rue Gambetta sera-t-elle refaite ?",
            "body": "La chaussée est dégradée depuis l'hiver dernier, avec des nids-de-poule.",
        },
    )
    assert response.status_code == 200
    assert "Choose the elected official or the institution you ask." in response.content.decode()
    assert not Question.objects.exists()


def test_visitors_are_asked_to_log_in_to_ask_or_support(visitor, make_question):
    question = make_question()
    response = visitor.get(reverse("questions:ask"))
    assert response.status_code == 302 and "/compte/" in response["Location"]
    response = visitor.post(reverse("questions:support", args=[question.pk, question.slug]))
    assert response.status_code == 302 and "/compte/" in response["Location"]
    question.refresh_from_db()
    assert question.support_count == 0


def test_supporting_from_the_page_shows_at_once_even_to_visitors(
    visitor, client, make_question, other_resident
):
    question = make_question()
    url = question.get_absolute_url()
    assert "0 residents support" in visitor.get(url).content.decode()
    client.force_login(other_resident)
    client.post(reverse("questions:support", args=[question.pk, question.slug]))
    page = client.get(url).content.decode()
    assert "Withdraw my support" in page
    client.logout()
    assert "1 resident supports this question." in client.get(url).content.decode()


def test_the_mayor_answers_from_the_page(login, make_question, mayor):
    question = make_question()
    client = login(mayor)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Answer publicly" in page
    url = reverse("questions:answer", args=[question.pk, question.slug])
    assert client.post(url, {"body": ""}).status_code == 200  # an error, nothing published
    question.refresh_from_db()
    assert question.status == QuestionStatus.PUBLISHED
    client.post(url, {"body": "Les travaux commencent en mars."})
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    client.logout()
    assert (
        "Les travaux commencent en mars."
        in client.get(question.get_absolute_url()).content.decode()
    )


def test_someone_else_cannot_open_the_answer_form(login, make_question, other_resident):
    question = make_question()
    client = login(other_resident)
    assert (
        client.get(reverse("questions:answer", args=[question.pk, question.slug])).status_code
        == 403
    )


def test_an_official_page_shows_their_questions_and_answer_rate(visitor, make_question, mayor):
    now = timezone.now()
    make_question(
        status=QuestionStatus.ANSWERED,
        title="La médiathèque ouvrira-t-elle le dimanche ?",
        published_at=now - dt.timedelta(days=4),
        answered_at=now - dt.timedelta(days=2),
        answer="Oui, dès janvier.",
    )
    make_question(title="Quand la rue Gambetta sera-t-elle refaite ?")
    text = visitor.get(reverse("officials:detail", args=[mayor.pk])).content.decode()
    assert "Questions from residents" in text
    assert "La médiathèque ouvrira-t-elle le dimanche ?" in text
    assert "50 % answered" in text
    assert "median time to answer: 2 days" in text


def test_my_questions_lists_asked_and_received(login, make_question, resident, mayor):
    make_question(status=QuestionStatus.PENDING, title="Ma question en attente ici ?")
    page = login(resident).get(reverse("questions:mine")).content.decode()
    assert "Ma question en attente ici ?" in page
    assert "Questions addressed to you" not in page
    page = login(mayor).get(reverse("questions:mine")).content.decode()
    assert "Questions addressed to you" in page


def test_the_unanswered_list_is_for_moderators_and_institutions(
    login, make_question, moderator, resident, agent
):
    make_question(published_at=timezone.now() - dt.timedelta(days=12))
    assert login(resident).get(reverse("questions:unanswered")).status_code == 403
    page = login(moderator).get(reverse("questions:unanswered")).content.decode()
    assert "12 days" in page
    assert login(agent).get(reverse("questions:unanswered")).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_a_constant_number_of_queries(
    client, resident, make_question, count, django_assert_max_num_queries
):
    for index in range(count):
        make_question(title=f"Question numéro {index} sur la commune ?")
    client.force_login(resident)
    # The session, the member and their bookkeeping, the unread counts, the officials who
    # delegate to them, then the list.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("questions:index")).status_code == 200


def test_a_commune_page_shows_its_answered_questions(visitor, make_question, beauvais):
    make_question(
        status=QuestionStatus.ANSWERED,
        title="La médiathèque ouvrira-t-elle le dimanche ?",
        answered_at=timezone.now(),
        answer="Oui.",
    )
    text = visitor.get(beauvais.get_absolute_url()).content.decode()
    assert "Questions to the elected officials" in text
    assert "La médiathèque ouvrira-t-elle le dimanche ?" in text


def test_territory_pages_show_the_six_latest_answers_newest_first(
    visitor, make_question, beauvais, oise
):
    now = timezone.now()
    for days in range(7):
        make_question(
            status=QuestionStatus.ANSWERED,
            title=f"Réponse vieille de {days} jours ?",
            answered_at=now - dt.timedelta(days=days),
            answer="Oui.",
        )
    make_question(title="Toujours sans réponse ?")
    for territory in (beauvais, beauvais.epci, oise["arrondissements"][0], oise["departement"]):
        text = visitor.get(territory.get_absolute_url()).content.decode()
        shown = [text.index(f"Réponse vieille de {days} jours ?") for days in range(6)]
        assert shown == sorted(shown)
        assert "Réponse vieille de 6 jours ?" not in text
        assert "Toujours sans réponse ?" not in text


def test_the_rules_page_is_public(visitor):
    assert "personal case" in visitor.get(reverse("questions:rules")).content.decode()


def test_a_stranger_member_cannot_read_a_pending_question(login, make_question, oise):
    question = make_question(status=QuestionStatus.PENDING)
    stranger = UserFactory(commune=oise["beauvais"])
    assert login(stranger).get(question.get_absolute_url()).status_code == 404


def test_support_with_htmx_answers_the_count_and_buttons(client, make_question, other_resident):
    question = make_question()
    url = reverse("questions:support", args=[question.pk, question.slug])
    client.force_login(other_resident)
    html = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert html.count('<div id="question-support">') == 1 and "<main" not in html
    assert "1 resident supports this question." in html and "Withdraw my support" in html
    plain = client.post(url, {"retirer": "1"})
    assert plain.status_code == 302 and plain["Location"] == question.get_absolute_url()
    question.refresh_from_db()
    assert question.support_count == 0
