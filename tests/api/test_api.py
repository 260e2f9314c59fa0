"""The API as a whole: schema and docs, read-only, throttled, authenticated by tokens."""

import re

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.throttling import SimpleRateThrottle


def test_schema_is_a_valid_openapi_document_listing_the_resources(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    for path in (
        "/api/territoires/",
        "/api/territoires/{id}/",
        "/api/organisations/",
        "/api/membres/",
        "/api/membres/{id}/",
    ):
        assert set(schema["paths"][path]) == {"get"}, path
    # The organisation's team changes its page and contact details.
    assert set(schema["paths"]["/api/organisations/{id}/"]) == {"get", "patch"}
    parameters = {p["name"] for p in schema["paths"]["/api/organisations/"]["get"]["parameters"]}
    assert {"kind", "commune", "page"} <= parameters
    member = schema["components"]["schemas"]["Member"]["properties"]
    assert "email" not in member


def test_schema_generates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    assert "/api/membres/" in (tmp_path / "s.yaml").read_text()


def test_docs_render_swagger_ui_from_static_files_without_inline_code(client, db):
    response = client.get("/api/docs/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    assert re.search(r'<html lang="\w+">', body)
    assert "swagger-ui-bundle.js" in body
    assert "<script>" not in body
    assert "<style" not in body
    assert " style=" not in body
    scripts = re.findall(r"<script ([^>]*)>", body)
    assert len(scripts) == 3
    assert all('src="' in attributes for attributes in scripts)

    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_anonymous_writes_are_refused(api, association):
    for method, url in [
        ("post", "/api/organisations/"),
        ("put", f"/api/organisations/{association.pk}/"),
        ("patch", f"/api/organisations/{association.pk}/"),
        ("delete", f"/api/organisations/{association.pk}/"),
        ("post", "/api/membres/"),
        ("post", "/api/territoires/"),
    ]:
        response = getattr(api, method)(url, {"name": "Piratée"}, format="json")
        assert response.status_code == 401, (method, url)
    association.refresh_from_db()
    assert association.name == "Les Amis du Beauvaisis"


def test_authenticated_writes_are_not_allowed(
    api_as, association_manager, other_resident, association
):
    caller = api_as(association_manager)
    assert caller.post("/api/organisations/", {}, format="json").status_code == 405
    assert caller.delete(f"/api/organisations/{association.pk}/").status_code == 405
    # PATCH is the team's only (tests/organisations/test_contact.py).
    response = api_as(other_resident).patch(
        f"/api/organisations/{association.pk}/", {"name": "Piratée"}, format="json"
    )
    assert response.status_code == 403
    association.refresh_from_db()
    assert association.name == "Les Amis du Beauvaisis"


def test_a_bad_token_answers_401(api, oise):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/territoires/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_session_also_authenticates(client, login, resident):
    login(resident)
    response = client.get("/api/membres/")
    assert response.status_code == 200
    assert "Camille Martin" in response.content.decode()


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"}
    )


def test_anonymous_callers_are_throttled(api, oise, low_rates):
    statuses = [api.get("/api/territoires/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/territoires/")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_members_are_throttled_at_their_own_rate(api_as, resident, low_rates):
    caller = api_as(resident)
    statuses = [caller.get("/api/territoires/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_a_rate_of_off_sets_no_limit_and_keeps_no_history(api, oise, monkeypatch):
    """The benchmark's servers: no 429, and no per-client list of request times in the cache."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "off", "user": "off"})
    statuses = [api.get("/api/territoires/").status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert cache.get("throttle_anon_127.0.0.1") is None
