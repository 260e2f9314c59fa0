"""Swagger UI really runs under the strict Content-Security-Policy."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_load_the_schema_without_csp_errors(live_server, page, oise):
    page.goto(live_server.url + "/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Parvis API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.get_by_text("/api/organisations/", exact=True).first.is_visible()
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
