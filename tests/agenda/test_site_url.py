"""An event's page (cached for visitors) names the configured site in its share links, Open
Graph and JSON-LD, never the Host a client sent."""

from django.test import Client

SITE = "https://parvis.example.org"


def test_an_event_page_names_the_site_whatever_the_host(settings, make_event):
    settings.PARVIS_SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    event = make_event()
    for host in ("localhost", "127.0.0.1"):  # rendered and stored, then from the cache
        response = Client().get(event.get_absolute_url(), HTTP_HOST=host)
        assert response.status_code == 200
        content = response.content.decode()
        assert f'content="{SITE}{event.get_absolute_url()}"' in content
        assert "localhost" not in content
        assert "127.0.0.1" not in content
    assert response["X-Page-Cache"] == "hit"
