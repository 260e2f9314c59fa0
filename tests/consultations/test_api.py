"""API of consultations: /api/consultations/ (public reads, members answer with the same
eligibility rules, results per visibility), and its OpenAPI schema."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from parvis.consultations.models import ConsultationStatus, QuestionKind, Response
from parvis.consultations.services import response_submit
from tests.factories import UserFactory

from ..factories import api_key_for
from .conftest import full_answers, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as():
    def _as(user):
        key = api_key_for(user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return _as


def payload(consultation, **choices):
    items = []
    for pk, value in full_answers(consultation, **choices).items():
        q = consultation.questions.get(pk=pk)
        if q.kind == QuestionKind.SINGLE:
            items.append({"question": pk, "option": value})
        elif q.kind == QuestionKind.MULTIPLE:
            items.append({"question": pk, "options": value})
        elif q.kind == QuestionKind.SCALE:
            items.append({"question": pk, "scale": value})
        else:
            items.append({"question": pk, "text": value})
    return {"answers": items}


def test_visitor_lists_and_reads_published_consultations(api, make_consultation, oise):
    consultation = make_consultation(audience=[oise["epcis"][1]])
    make_consultation(title="Brouillon", status=ConsultationStatus.DRAFT)

    listing = api.get("/api/consultations/").json()
    assert [c["title"] for c in listing["results"]] == ["Plan vélo départemental"]

    detail = api.get(f"/api/consultations/{consultation.pk}/").json()
    assert detail["phase"] == "open"
    assert detail["institution"]["slug"] == "conseil-departemental-de-l-oise"
    assert detail["audience"][0]["code"] == "246000756"
    assert [q["kind"] for q in detail["questions"]] == [
        "single",
        "multiple",
        "scale_1_5",
        "short_text",
    ]
    assert [o["label"] for o in detail["questions"][0]["options"]] == ["Oui", "Non"]
    assert detail["refusal"]["code"] == "login"
    assert detail["my_answer"] is None
    assert detail["web_url"].endswith(consultation.get_absolute_url())


def test_filters(api, make_consultation, oise):
    now = timezone.now()
    make_consultation(title="Margny", audience=[oise["margny"]])
    make_consultation(
        title="Close", opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1)
    )

    def titles(**params):
        return sorted(c["title"] for c in api.get("/api/consultations/", params).json()["results"])

    assert titles(commune="60382") == ["Close", "Margny"]
    assert titles(commune="60057") == ["Close"]
    assert titles(phase="closed") == ["Close"]
    assert titles(phase="open", commune="60382") == ["Margny"]
    assert titles(institution="nope") == []
    assert api.get("/api/consultations/", {"phase": "bientôt"}).status_code == 400
    assert api.get("/api/consultations/", {"commune": "Paris"}).status_code == 400
    assert titles(commune="99999") == []


def test_member_of_the_target_answers_and_changes_their_answer(
    api_as, make_consultation, oise, other_resident
):
    consultation = make_consultation(audience=[oise["epcis"][1]])
    client = api_as(other_resident)
    url = f"/api/consultations/{consultation.pk}/repondre/"

    response = client.post(url, payload(consultation), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] is True
    response = client.post(url, payload(consultation, scale=2, multiple=(1, 2)), format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["created"] is False
    scale = next(a for a in body["answers"] if "scale" in a)
    assert scale["scale"] == 2
    assert Response.objects.count() == 1

    detail = client.get(f"/api/consultations/{consultation.pk}/").json()
    assert detail["refusal"] is None
    assert len(detail["my_answer"]["answers"]) == 4


def test_answers_from_elsewhere_closed_or_anonymous_are_refused(
    api, api_as, make_consultation, oise, resident, other_resident
):
    consultation = make_consultation(audience=[oise["epcis"][1]])
    url = f"/api/consultations/{consultation.pk}/repondre/"

    assert api.post(url, payload(consultation), format="json").status_code in (401, 403)
    response = api_as(resident).post(url, payload(consultation), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_targeted"

    consultation.closes_at = timezone.now() - dt.timedelta(minutes=1)
    consultation.save(update_fields=["closes_at"])
    response = api_as(other_resident).post(url, payload(consultation), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "closed"
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "bad",
    ["other_option", "forged_question", "scale_6", "duplicate", "not_a_list", "text_too_long"],
)
def test_bad_answers_get_a_400_and_change_nothing(
    api_as, make_consultation, oise, other_resident, bad
):
    consultation = make_consultation()
    other = make_consultation(title="Autre")
    data = payload(consultation)
    if bad == "other_option":
        data["answers"][0]["option"] = question(other, QuestionKind.SINGLE).options.first().pk
    elif bad == "forged_question":
        data["answers"].append({"question": 987654, "scale": 3})
    elif bad == "scale_6":
        data["answers"][2]["scale"] = 6
    elif bad == "duplicate":
        data["answers"].append(dict(data["answers"][0]))
    elif bad == "not_a_list":
        data = {"answers": "Oui"}
    else:
        data["answers"][3]["text"] = "x" * 501

    response = api_as(other_resident).post(
        f"/api/consultations/{consultation.pk}/repondre/", data, format="json"
    )

    assert response.status_code == 400
    assert response.json()
    assert not Response.objects.exists()


def test_results_follow_the_visibility(api, api_as, make_consultation, resident, agent, oise):
    consultation = make_consultation(results_visibility="after_closing")
    for _ in range(10):
        response_submit(
            consultation=consultation,
            member=UserFactory(commune=oise["beauvais"]),
            answers=full_answers(consultation, text="Secret"),
        )
    url = f"/api/consultations/{consultation.pk}/resultats/"

    assert api.get(url).status_code == 403
    assert api_as(resident).get(url).status_code == 403
    results = api_as(agent).get(url).json()
    assert results["respondents"] == 10
    assert results["min_group_size"] == 10
    single = results["questions"][0]
    assert [(s["label"], s["count"], s["percent"]) for s in single["shares"]] == [
        ("Oui", 10, 100.0),
        ("Non", 0, 0.0),
    ]
    assert results["questions"][3]["texts"] == ["Secret"] * 10
    assert [g["name"] for g in results["by_commune"]] == ["Beauvais"]

    consultation.results_visibility = "live"
    consultation.save(update_fields=["results_visibility"])
    public = api.get(url).json()
    assert public["respondents"] == 10
    assert public["questions"][3]["texts"] is None


def test_drafts_are_for_their_institution(api, api_as, make_consultation, agent, resident):
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    assert api.get(f"/api/consultations/{draft.pk}/").status_code == 404
    assert api_as(resident).get(f"/api/consultations/{draft.pk}/").status_code == 404
    assert api_as(agent).get(f"/api/consultations/{draft.pk}/").status_code == 200


def test_list_runs_a_fixed_number_of_queries(api, make_consultation, django_assert_max_num_queries):
    for number in range(3):
        make_consultation(title=f"C{number}")
    with django_assert_max_num_queries(6):
        api.get("/api/consultations/")
    for number in range(3, 25):
        make_consultation(title=f"C{number}")
    with django_assert_max_num_queries(6):
        response = api.get("/api/consultations/")
    assert response.json()["count"] == 25


def test_consultations_are_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert "/api/consultations/" in paths
    assert "/api/consultations/{id}/" in paths
    assert "post" in paths["/api/consultations/{id}/repondre/"]
    assert "get" in paths["/api/consultations/{id}/resultats/"]
