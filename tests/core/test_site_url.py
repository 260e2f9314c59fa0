"""Absolute addresses in pages, the API and feeds name the configured site (PARVIS_SITE_URL),
never the Host a client sent: cached pages are served to everyone."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SITE = "https://parvis.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.PARVIS_SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "parvis.example.org"]


def fetch(path, host):
    response = Client().get(path, HTTP_HOST=host)
    assert response.status_code == 200, (path, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/territoires/",
        "/api/organisations/",
        "/actualites/flux.rss",
        "/actualites/flux.atom",
    ],
)
def test_a_forged_host_never_reaches_a_stored_page(oise, association, path):
    for host in ("localhost", "127.0.0.1"):  # stored from the first, served to the second
        content = fetch(path, host).decode()
        assert "localhost" not in content
        assert "127.0.0.1" not in content
        assert SITE in content
