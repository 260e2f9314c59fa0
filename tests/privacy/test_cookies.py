"""No cookie beyond the essential ones (session, CSRF, language) and no third-party resource:
the main pages are walked as a visitor and as a member."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from ..agenda.conftest import create_event
from ..groups.conftest import create_group
from ..news.conftest import create_post

VISITOR_PAGES = [
    "/",
    "/agenda/",
    "/agenda/mois/",
    "/agenda/semaine/",
    "/groupes/",
    "/actualites/",
    "/consultations/",
    "/annuaire/",
    "/elus/",
    "/organisations/",
    "/communes/",
    "/confidentialite/",
    "/mentions-legales/",
    "/conditions/",
    "/accessibilite/",
    "/compte/login/",
    "/compte/signup/",
    "/compte/password/reset/",
]
MEMBER_PAGES = [
    "/",
    "/compte/parametres/",
    "/compte/profil/",
    "/compte/donnees/",
    "/compte/donnees/supprimer-mon-compte/",
    "/compte/email/",
    "/compte/sessions/",
    "/compte/jetons/",
    "/notifications/",
    "/notifications/preferences/",
    "/groupes/",
    "/actualites/suivis/",
]


def essential_cookies():
    return {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}


@pytest.fixture
def content(camille, beauvais):
    """A group, an event and a post, so that their pages can be walked too."""
    group = create_group(camille, name="Jardins partagés")
    event = create_event(created_by=camille, commune=beauvais, title="Troc de graines")
    post = create_post(author=camille, title="Fermeture de la mairie annexe")
    return [group.get_absolute_url(), event.get_absolute_url(), post.get_absolute_url()]


class Resources(HTMLParser):
    """The addresses a browser would load by itself from a page (not the links)."""

    ATTRIBUTES = {
        "script": ("src",),
        "img": ("src", "srcset"),
        "source": ("src", "srcset"),
        "video": ("src", "poster"),
        "audio": ("src",),
        "iframe": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "link": ("href",),
        "input": ("src",),
    }

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("canonical", "alternate"):
            return  # not loaded by the browser
        for name in self.ATTRIBUTES.get(tag, ()):
            value = attrs.get(name) or ""
            for candidate in value.split(","):
                candidate = candidate.strip().split(" ")[0]
                if candidate:
                    self.urls.append(candidate)
        style = attrs.get("style") or ""
        self.urls += re.findall(r"url\(['\"]?([^'\")]+)", style)


def allowed_origins():
    origins = {"", "testserver", urlsplit(settings.PARVIS_SITE_URL).netloc}
    media = urlsplit(settings.MEDIA_URL)
    origins.add(media.netloc)  # the configured media origin (S3 or a CDN), if any
    return origins


def third_party(html):
    parser = Resources()
    parser.feed(html)
    origins = allowed_origins()
    return [
        url
        for url in parser.urls
        if not url.startswith("data:") and urlsplit(url).netloc not in origins
    ]


def walk(client, paths):
    """GET every page (following redirections): ``{path: third-party resources}``. The
    client's cookie jar keeps every cookie any response set."""
    seen = {}
    for path in paths:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        seen[path] = third_party(response.content.decode())
    return seen


def test_visitor_pages_set_only_essential_cookies_and_load_nothing_from_elsewhere(client, content):
    seen = walk(client, VISITOR_PAGES + content)
    assert set(client.cookies) <= essential_cookies(), set(client.cookies)
    assert {path: urls for path, urls in seen.items() if urls} == {}


def test_member_pages_set_only_essential_cookies_and_load_nothing_from_elsewhere(
    client, camille, password, content
):
    response = client.post("/compte/login/", {"login": camille.email, "password": password})
    assert response.status_code == 302
    seen = walk(client, MEMBER_PAGES + content)
    # An action with a confirmation message (kept in the session, not in a cookie).
    response = client.post("/compte/donnees/", follow=True)
    assert "being prepared" in response.content.decode()
    # Choosing a language sets the language cookie.
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    cookies = set(client.cookies)
    assert settings.LANGUAGE_COOKIE_NAME in cookies
    assert cookies <= essential_cookies(), cookies
    assert {path: urls for path, urls in seen.items() if urls} == {}


def test_stylesheets_load_nothing_from_elsewhere():
    for name in ("parvis/parvis.css",):
        path = Path(finders.find(name))
        css = path.read_text()
        assert "@import" not in css
        external = [
            url for url in re.findall(r"url\(['\"]?([^'\")]+)", css) if urlsplit(url).netloc
        ]
        assert external == []


def test_privacy_policy_says_what_is_kept_why_how_long_and_links_the_rights(client, settings):
    html = client.get("/confidentialite/").content.decode()
    assert 'href="/compte/donnees/"' in html
    assert 'href="/compte/donnees/supprimer-mon-compte/"' in html
    assert f"{settings.PARVIS_EXPORT_RETENTION_DAYS} days" in html
    assert "24 months" in html or "730 days" in html
    for cookie in essential_cookies():
        assert f"<code>{cookie}</code>" in html
    assert "<code>messages</code>" not in html
