"""The pages of local reports: the list and its filters, reporting in two steps with similar
reports proposed, the report's page (the reporter hidden publicly), triage, the agents'
queue, and the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from parvis.accounts.services import api_token_create
from parvis.localreports.models import Report, ReportStatus

from .conftest import image_file


def test_visitors_read_reports_without_the_reporter(visitor, make_report, resident):
    created = make_report()
    listing = visitor.get(reverse("localreports:index")).content.decode()
    assert "Voirie et trottoirs — Beauvais" in listing
    page = visitor.get(created.get_absolute_url()).content.decode()
    assert "a resident of Beauvais" in page
    assert resident.last_name not in page and resident.email not in page


def test_the_agents_see_who_reported(login, make_report, town_hall, town_agent, resident):
    created = make_report(institution=town_hall)
    page = login(town_agent).get(created.get_absolute_url()).content.decode()
    assert resident.email in page
    assert "Handle this report" in page


def test_filters_by_commune_category_and_status(visitor, make_report, categories, oise):
    make_report(description="Un trou énorme rue Gambetta à Beauvais, dangereux.")
    make_report(
        commune=oise["compiegne"],
        category=categories["roads"],
        description="Accotement effondré sur la départementale à Compiègne.",
        status=ReportStatus.RESOLVED,
    )
    page = visitor.get(reverse("localreports:index"), {"commune": "60159"}).content.decode()
    assert "Compiègne" in page and "Gambetta" not in page
    page = visitor.get(reverse("localreports:index"), {"statut": "ouverts"}).content.decode()
    assert "Gambetta" in page and "Accotement" not in page
    page = visitor.get(reverse("localreports:index"), {"categorie": "route-departementale"})
    assert "Accotement" in page.content.decode()
    bad = visitor.get(reverse("localreports:index"), {"commune": "<x>", "statut": "?", "page": "z"})
    assert bad.status_code == 200


def test_reporting_in_two_steps_proposes_similar_reports_first(
    login, other_resident, make_report, categories, town_hall
):
    make_report(description="Nid-de-poule déjà signalé devant la boulangerie du centre.")
    client = login(other_resident)
    step1 = client.get(reverse("localreports:create"))
    assert step1.status_code == 200 and "Next" in step1.content.decode()
    step2 = client.get(
        reverse("localreports:create"), {"commune": "60057", "category": "voirie-trottoirs"}
    ).content.decode()
    assert "Already reported nearby?" in step2
    assert "déjà signalé devant la boulangerie" in step2
    response = client.post(
        reverse("localreports:create"),
        {
            "commune": "60057",
            "category": "voirie-trottoirs",
            "description": "Un autre trou, profond, devant l'école Jean Moulin.",
            "address": "Rue Jean Moulin",
            "photos": [image_file(), image_file("b.jpg")],
        },
    )
    created = Report.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.photos.count() == 2
    assert created.author == other_resident and created.institution == town_hall


def test_a_bad_report_shows_the_errors_and_stores_nothing(login, resident, categories):
    client = login(resident)
    response = client.post(
        reverse("localreports:create"),
        {"commune": "60057", "category": "voirie-trottoirs", "description": "Trou."},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Describe the problem in at least 15 characters." in text
    assert "Say where the problem is" in text
    assert not Report.objects.exists()
    response = client.post(
        reverse("localreports:create"),
        {"commune": "Atlantide", "category": "voirie-trottoirs", "description": "x" * 20},
    )
    assert response.status_code == 200 and not Report.objects.exists()


def test_triage_from_the_page_and_forbidden_to_others(
    login, make_report, town_hall, town_agent, other_resident
):
    created = make_report(institution=town_hall)
    url = reverse("localreports:triage", args=[created.pk])
    assert login(other_resident).post(url, {"status": "resolved"}).status_code == 403
    response = login(town_agent).post(url, {"status": "resolved", "comment": "Rebouché ce matin."})
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.status == ReportStatus.RESOLVED
    page = login(other_resident).get(created.get_absolute_url()).content.decode()
    assert "Rebouché ce matin." in page and "Mairie de Beauvais" in page


def test_the_queue_is_for_agents(login, make_report, town_hall, town_agent, resident):
    make_report(institution=town_hall)
    assert login(resident).get(reverse("localreports:queue")).status_code == 403
    page = login(town_agent).get(reverse("localreports:queue")).content.decode()
    assert "Voirie et trottoirs — Beauvais" in page


def test_the_commune_page_shows_its_open_reports(visitor, make_report, beauvais):
    make_report()
    page = visitor.get(beauvais.get_absolute_url()).content.decode()
    assert "Local reports" in page and "1 open report." in page


@pytest.mark.parametrize("count", [2, 25])
def test_the_list_costs_a_constant_number_of_queries(
    client, resident, make_report, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_report()
    client.force_login(resident)
    # The session, the member and their bookkeeping, the unread counts, then the list (count,
    # page, photos).
    with django_assert_max_num_queries(14):
        assert client.get(reverse("localreports:index")).status_code == 200


def _api(user):
    _, key = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_api_lists_reports_and_takes_new_ones_with_the_forms_rules(
    make_report, resident, town_hall, town_agent, categories
):
    make_report(institution=town_hall)
    rows = APIClient().get("/api/signalements/").json()["results"]
    assert rows[0]["commune"] == "Beauvais" and "author" not in rows[0]
    response = _api(resident).post(
        "/api/signalements/",
        {"commune": "60057", "category": "voirie-trottoirs", "description": "Trou."},
        format="json",
    )
    assert response.status_code == 400
    assert {"description", "address"} <= set(response.json())
    response = _api(resident).post(
        "/api/signalements/",
        {
            "commune": "60057",
            "category": "voirie-trottoirs",
            "description": "Lampadaire tombé sur le trottoir rue Carnot.",
            "address": "Rue Carnot",
            "photos": [image_file()],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["photos"]) == 1
    pk = response.json()["id"]
    assert (
        _api(resident).post(f"/api/signalements/{pk}/suivi/", {"status": "resolved"}).status_code
        == 403
    )
    response = _api(town_agent).post(
        f"/api/signalements/{pk}/suivi/", {"status": "resolved", "comment": "Réparé."}
    )
    assert response.status_code == 200 and response.json()["status"] == "resolved"
    assert response.json()["steps"][0]["comment"] == "Réparé."


def test_the_list_carries_a_map_of_the_reports_with_a_point(visitor, make_report, settings):
    from decimal import Decimal

    make_report(latitude=Decimal("49.430000"), longitude=Decimal("2.080000"))
    make_report(description="Sans point, seulement une adresse </script><b>x</b>.")
    page = visitor.get(reverse("localreports:index")).content.decode()
    assert 'data-map="points"' in page
    assert '"lat": 49.43' in page and page.count('"lat":') == 1
    assert "</script><b>" not in page.split('id="reports-map-points"')[1].split("</script>")[0]
    settings.PARVIS_MAP_TILES_URL = ""
    from django.core.cache import cache

    cache.clear()
    assert 'data-map="points"' not in visitor.get(reverse("localreports:index")).content.decode()


def test_support_with_htmx_answers_the_count_and_button(login, make_report, other_resident):
    created = make_report()
    url = reverse("localreports:support", args=[created.pk])
    client = login(other_resident)
    html = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert '<div id="report-support">' in html and "<main" not in html
    assert "1 more resident has this problem." in html and "Withdraw my support" in html
    plain = client.post(url, {"retirer": "1"})
    assert plain.status_code == 302 and plain["Location"] == created.get_absolute_url()
    created.refresh_from_db()
    assert created.support_count == 0
