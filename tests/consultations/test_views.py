"""The consultation pages: list, page and answer form per persona, creation without
JavaScript, editing, conclusion, discussion, and bad input (nothing changes, a clear
message)."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    QuestionKind,
    Response,
)
from parvis.consultations.services import response_submit

from .conftest import full_answers, question

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("x")</script> <img src=x onerror="alert(1)"> '
    "[clic](javascript:alert(1)) <iframe src='https://evil.example'></iframe> **gras**"
)


def assert_sanitised(html):
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "javascript:alert" not in html
    assert "<iframe" not in html


def form_data(consultation, **choices):
    """The answer form's POST data (``question_<pk>`` fields) for the default questions."""
    data = {}
    for pk, value in full_answers(consultation, **choices).items():
        data[f"question_{pk}"] = [str(v) for v in value] if isinstance(value, list) else value
    return data


# --- list ---------------------------------------------------------------------------------------


def test_list_shows_published_consultations_with_their_phase(client, make_consultation):
    now = timezone.now()
    make_consultation(title="Ouverte")
    make_consultation(
        title="Bientôt", opens_at=now + dt.timedelta(days=2), closes_at=now + dt.timedelta(days=9)
    )
    make_consultation(
        title="Terminée", opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=2)
    )
    make_consultation(title="Brouillon", status=ConsultationStatus.DRAFT)

    page = client.get("/consultations/").content.decode()
    assert page.index("Ouverte") < page.index("Bientôt") < page.index("Terminée")
    assert "Brouillon" not in page

    closed = client.get("/consultations/?etat=terminees").content.decode()
    assert "Terminée" in closed and "Ouverte" not in closed
    opened = client.get("/consultations/?etat=ouvertes").content.decode()
    assert "Ouverte" in opened and "Terminée" not in opened


@pytest.mark.parametrize("value", ["nimporte", "'", "<script>", "ouvertes" * 100])
def test_bad_filters_list_everything(client, make_consultation, value):
    make_consultation(title="Ouverte")
    response = client.get("/consultations/", {"etat": value, "page": value})
    assert response.status_code == 200
    assert "Ouverte" in response.content.decode()


def test_list_marks_my_territory_and_offers_agents_to_create(
    login, make_consultation, oise, other_resident, agent
):
    make_consultation(title="Pour l'ARC", audience=[oise["epcis"][1]])
    page = login(other_resident).get("/consultations/").content.decode()
    assert "Your territory" in page and "New consultation" not in page
    page = login(agent).get("/consultations/").content.decode()
    assert "New consultation" in page


# --- the page and its answer form ----------------------------------------------------------------


def test_visitor_reads_the_consultation_and_is_invited_to_log_in(client, make_consultation):
    consultation = make_consultation(context=HOSTILE)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Faut-il prolonger la piste cyclable ?" in page
    assert "Log in to answer" in page
    assert 'name="question_' not in page
    assert "<strong>gras</strong>" in page
    assert_sanitised(page)


def test_resident_elsewhere_sees_why_they_cannot_answer(login, make_consultation, oise, resident):
    consultation = make_consultation(audience=[oise["epcis"][1]])
    page = login(resident).get(consultation.get_absolute_url()).content.decode()
    assert "You live in Beauvais, which is not part of it" in page
    assert "CA de la Région de Compiègne" in page
    assert 'name="question_' not in page


def test_closed_and_upcoming_consultations_say_so(login, make_consultation, resident):
    now = timezone.now()
    closed = make_consultation(
        opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=2)
    )
    upcoming = make_consultation(
        title="Bientôt", opens_at=now + dt.timedelta(days=2), closes_at=now + dt.timedelta(days=9)
    )
    client = login(resident)
    assert (
        "answers are no longer accepted" in client.get(closed.get_absolute_url()).content.decode()
    )
    assert "it opens on" in client.get(upcoming.get_absolute_url()).content.decode()


def test_draft_is_hidden_from_everyone_but_the_institution(
    client, login, make_consultation, resident, agent, moderator
):
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert login(resident).get(draft.get_absolute_url()).status_code == 404
    assert login(agent).get(draft.get_absolute_url()).status_code == 200
    assert login(moderator).get(draft.get_absolute_url()).status_code == 200


def test_wrong_slug_redirects(client, make_consultation):
    consultation = make_consultation()
    response = client.get(f"/consultations/{consultation.pk}-autre-chose/")
    assert response.status_code == 301
    assert response["Location"] == consultation.get_absolute_url()


def test_resident_answers_then_changes_their_answer(login, make_consultation, resident):
    consultation = make_consultation()
    client = login(resident)
    url = consultation.get_absolute_url()

    response = client.post(url + "repondre/", form_data(consultation), follow=True)
    assert "your answer is recorded" in response.content.decode()
    assert Response.objects.get().member == resident

    page = client.get(url).content.decode()
    assert "Change my answer" in page and "You answered on" in page
    client.post(url + "repondre/", form_data(consultation, scale=1))
    assert Response.objects.count() == 1
    assert Answer.objects.get(question__kind="scale_1_5").scale == 1


@pytest.mark.parametrize("bad", ["other_option", "forged_option", "scale_9", "missing"])
def test_bad_answers_show_the_form_again_and_save_nothing(login, make_consultation, resident, bad):
    consultation = make_consultation()
    other = make_consultation(title="Autre")
    data = form_data(consultation)
    single = question(consultation, QuestionKind.SINGLE)
    if bad == "other_option":
        data[f"question_{single.pk}"] = str(question(other, QuestionKind.SINGLE).options.first().pk)
    elif bad == "forged_option":
        data[f"question_{single.pk}"] = "12345678"
    elif bad == "scale_9":
        data[f"question_{question(consultation, QuestionKind.SCALE).pk}"] = "9"
    else:
        del data[f"question_{single.pk}"]

    response = login(resident).post(consultation.get_absolute_url() + "repondre/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "nothing was saved" in page
    assert (
        "Choose among the options" in page
        or "Give a value from 1 to 5" in page
        or "This question needs an answer" in page
    )
    assert not Response.objects.exists()


def test_answers_to_a_closed_consultation_are_refused(login, make_consultation, resident):
    now = timezone.now()
    consultation = make_consultation()
    data = form_data(consultation)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=now - dt.timedelta(minutes=1))

    response = login(resident).post(
        consultation.get_absolute_url() + "repondre/", data, follow=True
    )

    assert "answers are no longer accepted" in response.content.decode()
    assert not Response.objects.exists()


def test_answers_from_another_territory_are_refused(login, make_consultation, oise, resident):
    consultation = make_consultation(audience=[oise["margny"]])
    response = login(resident).post(
        consultation.get_absolute_url() + "repondre/", form_data(consultation), follow=True
    )
    assert "not part of it" in response.content.decode()
    assert not Response.objects.exists()


def test_visitor_posting_an_answer_is_sent_to_log_in(client, make_consultation):
    consultation = make_consultation()
    response = client.post(consultation.get_absolute_url() + "repondre/", form_data(consultation))
    assert response.status_code == 302
    assert "/compte/" in response["Location"]
    assert not Response.objects.exists()


def test_answer_page_rejects_get(login, make_consultation, resident):
    consultation = make_consultation()
    assert login(resident).get(consultation.get_absolute_url() + "repondre/").status_code == 405


# --- results ------------------------------------------------------------------------------------


def test_results_after_closing_are_announced_not_shown(
    client, login, make_consultation, resident, agent
):
    consultation = make_consultation(results_visibility="after_closing")
    response_submit(consultation=consultation, member=resident, answers=full_answers(consultation))
    url = consultation.get_absolute_url() + "resultats/"

    page = client.get(url).content.decode()
    assert "will be published when the consultation closes" in page
    assert "Stationnement vélo" not in page

    page = login(agent).get(url).content.decode()
    assert "not public yet" in page and "Stationnement vélo" in page
    assert "Très bien" in page  # the free text, for the institution


def test_free_texts_are_for_the_institution_only(client, login, make_consultation, resident):
    consultation = make_consultation()
    response_submit(
        consultation=consultation,
        member=resident,
        answers=full_answers(consultation, text="<script>alert(1)</script>Mon idée"),
    )
    url = consultation.get_absolute_url() + "resultats/"
    page = client.get(url).content.decode()
    assert "Mon idée" not in page and "read by the institution only" in page
    page = login(resident).get(url).content.decode()
    assert "Mon idée" not in page


def test_free_texts_are_escaped_for_the_institution(login, make_consultation, resident, agent):
    consultation = make_consultation()
    response_submit(
        consultation=consultation,
        member=resident,
        answers=full_answers(consultation, text="<script>alert(1)</script>Mon idée"),
    )
    page = login(agent).get(consultation.get_absolute_url() + "resultats/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Mon idée" in page
    assert_sanitised(page)


# --- creation without JavaScript -----------------------------------------------------------------


def creation_data(institution, **overrides):
    closes = timezone.localdate() + dt.timedelta(days=30)
    data = {
        "title": "Horaires des piscines",
        "context": "Votre avis compte.",
        "organisation": str(institution.pk),
        "audience_communes": "",
        "opens_date": "",
        "opens_time": "",
        "closes_date": closes.isoformat(),
        "closes_time": "18:00",
        "results_visibility": "live",
        "questions-TOTAL_FORMS": "3",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "30",
        "questions-0-text": "Ouvrir le dimanche ?",
        "questions-0-kind": "single",
        "questions-0-required": "1",
        "questions-0-options": "Oui\nNon\n\n",
        "questions-0-ORDER": "2",
        "questions-1-text": "Quels créneaux ?",
        "questions-1-kind": "multiple",
        "questions-1-required": "0",
        "questions-1-options": "Matin\nMidi\nSoir",
        "questions-1-ORDER": "1",
        "questions-2-text": "",
        "questions-2-kind": "single",
        "questions-2-required": "1",
        "questions-2-options": "",
        "questions-2-ORDER": "",
    }
    data.update(overrides)
    return data


def test_agent_creates_and_publishes_a_consultation_with_the_plain_form(
    login, institution, agent, oise
):
    client = login(agent)
    assert client.get("/consultations/nouvelle/").status_code == 200
    response = client.post(
        "/consultations/nouvelle/",
        creation_data(
            institution,
            publish="1",
            audience=[str(oise["epcis"][1].pk)],
            audience_communes="Beauvais",
        ),
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == consultation.get_absolute_url()
    assert consultation.status == ConsultationStatus.PUBLISHED
    assert consultation.organisation == institution
    assert set(consultation.audience.all()) == {oise["epcis"][1], oise["beauvais"]}
    # The order typed in the "Position" boxes, blank slot left out, options trimmed.
    questions = list(consultation.questions.order_by("order"))
    assert [(q.text, q.kind, q.required) for q in questions] == [
        ("Quels créneaux ?", "multiple", False),
        ("Ouvrir le dimanche ?", "single", True),
    ]
    assert [o.label for o in questions[1].options.order_by("order")] == ["Oui", "Non"]
    closes = timezone.localtime(consultation.closes_at)
    assert (closes.hour, closes.minute) == (18, 0)


def test_add_a_question_keeps_what_was_typed(login, institution, agent):
    client = login(agent)
    response = client.post(
        "/consultations/nouvelle/", creation_data(institution, title="", add_question="1")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('name="questions-') > 0
    assert 'name="questions-3-text"' in page  # a fourth slot
    assert "Ouvrir le dimanche ?" in page
    assert "nothing was saved" not in page  # no error shown for the half-filled form
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"questions-0-options": "Oui"}, "Give between 2 and 20 options"),
        ({"questions-0-kind": "scale_1_5"}, "Only choice questions have options"),
        ({"questions-0-kind": "essay"}, "Select a valid choice"),
        ({"questions-0-text": "", "questions-1-text": ""}, "Write the question"),
        ({"closes_date": "2001-01-01"}, "The closing must come after the opening"),
        ({"organisation": "999999"}, "Select a valid choice"),
        ({"audience": ["999999"]}, "Choose territories from the list"),
        ({"audience_communes": "Paris"}, "No commune of our territory matches"),
        ({"questions-TOTAL_FORMS": "500"}, "Please submit at most 30 forms"),
    ],
)
def test_bad_creation_input_saves_nothing(login, institution, agent, overrides, message):
    response = login(agent).post(
        "/consultations/nouvelle/", creation_data(institution, publish="1", **overrides)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nothing was saved" in page
    assert message in page
    assert not Consultation.objects.exists()


def test_all_slots_blank_asks_for_a_question(login, institution, agent):
    data = creation_data(institution, publish="1")
    for index in (0, 1):
        data.update(
            {
                f"questions-{index}-text": "",
                f"questions-{index}-kind": "single",
                f"questions-{index}-required": "1",
                f"questions-{index}-options": "",
                f"questions-{index}-ORDER": "",
            }
        )
    page = login(agent).post("/consultations/nouvelle/", data).content.decode()
    assert "Ask at least one question." in page
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("persona", ["resident", "association_manager", "official"])
def test_members_who_are_not_agents_are_told_who_creates_consultations(
    request, login, institution, persona
):
    client = login(request.getfixturevalue(persona))
    response = client.get("/consultations/nouvelle/")
    assert response.status_code == 403
    assert "agents of a verified institution" in response.content.decode()
    response = client.post("/consultations/nouvelle/", creation_data(institution, publish="1"))
    assert response.status_code == 403
    assert not Consultation.objects.exists()


def test_visitor_is_sent_to_log_in_to_create(client):
    response = client.get("/consultations/nouvelle/")
    assert response.status_code == 302 and "/compte/" in response["Location"]


# --- editing, publishing, concluding ----------------------------------------------------------


def test_edit_locks_questions_once_answered(login, make_consultation, agent, resident):
    consultation = make_consultation()
    client = login(agent)
    page = client.get(consultation.get_absolute_url() + "modifier/").content.decode()
    assert 'name="questions-0-text"' in page

    response_submit(consultation=consultation, member=resident, answers=full_answers(consultation))
    page = client.get(consultation.get_absolute_url() + "modifier/").content.decode()
    assert 'name="questions-0-text"' not in page
    assert "the questions can no longer change" in page

    # A forged formset is ignored: the questions stay as they are.
    data = creation_data(consultation.organisation, title="Nouveau titre", save="1")
    response = client.post(consultation.get_absolute_url() + "modifier/", data)
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Nouveau titre"
    assert consultation.questions.count() == 4


def test_edit_and_publish_a_draft(login, make_consultation, agent):
    consultation = make_consultation(status=ConsultationStatus.DRAFT, published_at=None)
    client = login(agent)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "This consultation is a draft." in page
    client.post(consultation.get_absolute_url() + "publier/")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED


@pytest.mark.parametrize("persona", ["resident", "association_manager", "official"])
def test_strangers_cannot_edit_publish_or_conclude(request, login, make_consultation, persona):
    consultation = make_consultation(status=ConsultationStatus.DRAFT)
    client = login(request.getfixturevalue(persona))
    for suffix in ("modifier/", "conclusion/", "publier/"):
        assert client.post(consultation.get_absolute_url() + suffix).status_code == 404
    published = make_consultation(title="Publiée")
    for suffix in ("modifier/", "conclusion/", "publier/"):
        assert client.post(published.get_absolute_url() + suffix).status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.DRAFT


def test_conclusion_is_published_and_sanitised(client, login, make_consultation, agent):
    now = timezone.now()
    consultation = make_consultation(
        opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1)
    )
    response = login(agent).post(
        consultation.get_absolute_url() + "conclusion/", {"conclusion": HOSTILE}
    )
    assert response.status_code == 302
    client.logout()
    for url in ("", "resultats/"):
        page = client.get(consultation.get_absolute_url() + url).content.decode()
        assert "What we did with your answers" in page
        assert "<strong>gras</strong>" in page
        assert_sanitised(page)


def test_conclusion_waits_for_the_closing(login, make_consultation, agent):
    consultation = make_consultation()
    response = login(agent).post(
        consultation.get_absolute_url() + "conclusion/", {"conclusion": "Trop tôt"}
    )
    assert response.status_code == 200
    assert "once the consultation is closed" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.conclusion == ""
