"""The design system page, the installable app (favicon, icons, manifest, service worker,
offline page), readable console e-mails, the site's own 404 in the demo and French collation."""

import io

import pytest
from django.core import mail
from django.test import override_settings
from PIL import Image

from parvis.core.collation import french_key
from parvis.core.mail import ConsoleEmailBackend
from parvis.territories.models import Territory, TerritoryKind

pytestmark = pytest.mark.django_db


def test_design_page_shows_every_component(client):
    text = client.get("/design/").content.decode()
    for css_class in ("button", "form-group", "card", "message", "badge", "avatar", "empty-state"):
        assert f'class="{css_class}' in text, css_class
    assert "style=" not in text


def test_favicon_and_icons_are_real_images(client):
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon["Content-Type"] == "image/x-icon"
    assert Image.open(io.BytesIO(favicon.content)).format == "ICO"
    icon = client.get("/icone-512.png")
    assert Image.open(io.BytesIO(icon.content)).size == (512, 512)
    assert client.get("/icone-13.png").status_code == 404


def test_manifest_lists_icons_and_starts_at_the_home_page(client):
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_service_worker_is_served_from_the_root_and_caches_the_offline_page(client, oise):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("application/javascript")
    assert "/hors-ligne/" in response.content.decode()
    assert "hors ligne" in client.get("/hors-ligne/").content.decode()
    assert 'rel="manifest"' in client.get("/").content.decode()


def test_console_backend_prints_the_link_readable():
    link = "http://127.0.0.1:8000/compte/confirm-email/" + "MjQ6MXZ" * 20 + "/"
    stream = io.StringIO()
    backend = ConsoleEmailBackend(stream=stream)
    message = mail.EmailMessage("Confirmez", f"Bonjour,\n{link}\n", to=["a@example.org"])
    backend.send_messages([message])
    printed = stream.getvalue()
    assert link in printed
    assert "Subject: Confirmez" in printed


@override_settings(DEBUG=True, PARVIS_FRIENDLY_ERRORS=True)
def test_a_mistyped_address_shows_the_sites_own_404_in_the_demo(client):
    response = client.get("/agendaa/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page introuvable" in text or "Page not found" in text
    assert "URLconf" not in text and "site-header" in text


def test_french_order_puts_accents_with_their_letter(db):
    names = ["Welles-Pérennes", "Écuvilly", "Echauffour", "Zoo", "Ercuis"]
    for index, name in enumerate(names):
        Territory.objects.create(
            kind=TerritoryKind.COMMUNE, code=f"9{index:04d}", name=name, slug=f"t-{index}"
        )
    ordered = list(Territory.objects.filter(code__startswith="9").values_list("name", flat=True))
    assert ordered == ["Echauffour", "Écuvilly", "Ercuis", "Welles-Pérennes", "Zoo"]
    assert sorted(names, key=french_key) == ordered
