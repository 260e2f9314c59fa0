"""The page cache's placeholders for the CSRF token and the CSP nonce are secret: derived from
``SECRET_KEY`` and new for each render, so a member cannot write them into content that the
cache would then fill with each visitor's own token."""

import re

import pytest
from django.test import Client

from parvis.core import pagecache

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
#: The fixed public placeholders of earlier releases.
OLD_PUBLIC = ("parvis-pagecache-csrf-5e0b7d", "parvis-pagecache-nonce-5e0b7d")


def test_placeholders_differ_by_deployment_and_by_render(settings):
    first = pagecache.placeholders()
    again = pagecache.placeholders()
    assert first != again
    assert first[0][:18] == again[0][:18]  # the deployment's part
    settings.SECRET_KEY = "another-deployment-" + "x" * 50
    other = pagecache.placeholders()
    assert other[0][:18] != first[0][:18]
    assert not set(first) & set(OLD_PUBLIC)


def test_a_placeholder_written_by_a_member_is_shown_as_written(make_event):
    written = " ".join(OLD_PUBLIC) + " " + pagecache.placeholders()[0]
    event = make_event(title="Vide-grenier", description=f"Lien : {written}")
    for _ in range(2):  # rendered and stored, then from the cache
        response = Client().get(event.get_absolute_url())
        assert response.status_code == 200
        content = response.content
        assert written.encode() in content
        token = TOKEN.search(content).group(1)
        assert content.count(token) == 1  # in the form only, never in the description
    assert response["X-Page-Cache"] == "hit"


def test_a_fragment_in_a_page_being_stored_holds_the_pages_placeholders(rf):
    """A fragment with per-request values (a form's token) used while a visitor's page is
    rendered for the cache gets that page's placeholders, never this visitor's own token,
    which would then be served to every visitor; outside such a render, the visitor's own."""
    from django.middleware.csrf import get_token

    from parvis.core.context_processors import page_cache_placeholders
    from parvis.core.pagecache.personal import placeholders_for

    request = rf.get("/")

    def render():
        return f'<input value="{page_cache_placeholders(request)["csrf_token"]}">'

    page_marks = pagecache.placeholders()
    for _ in range(2):  # rendered and stored, then from the cache
        with placeholders_for(request, page_marks):
            html = pagecache.fragment(("form",), render, request=request)
        assert html == f'<input value="{page_marks[0]}">'
    own = re.fullmatch(
        r'<input value="(\w+)">', pagecache.fragment(("form",), render, request=request)
    )
    assert own.group(1) not in page_marks
    assert len(own.group(1)) == len(get_token(request))  # a (masked) CSRF token
