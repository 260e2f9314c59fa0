"""Swagger UI really runs under the strict Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_load_the_schema_without_csp_errors(live_server, page, oise):
    page.goto(live_server.url + "/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Parvis API" in page.locator(".swagger-ui .info .title").inner_text()
    expect(page.get_by_text("/api/organisations/", exact=True).first).to_be_visible()
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
