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
