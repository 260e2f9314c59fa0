"""One share block on every public item, its addresses built from the configured site URL
(never from the request's Host), no inline script (strict CSP)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.consultations.conftest import create_consultation

pytestmark = pytest.mark.django_db

SITE = "https://parvis.oise.example"


@pytest.fixture
def pages(event, post, thread, association, official, settings):
    settings.PARVIS_SITE_URL = SITE
    official.directory_visibility = "public"  # their page is open to visitors
    official.save(update_fields=["directory_visibility"])
    consultation = create_consultation(organisation=association, title="Plan vélo")
    return {
        "event": event.get_absolute_url(),
        "post": post.get_absolute_url(),
        "consultation": consultation.get_absolute_url(),
        "group": thread.group.get_absolute_url(),
        "thread": thread.get_absolute_url(),
        "organisation": association.get_absolute_url(),
        "official": reverse("officials:detail", args=[official.pk]),
    }


@pytest.mark.parametrize(
    "name", ["event", "post", "consultation", "group", "thread", "organisation", "official"]
)
def test_every_public_item_has_the_share_block(pages, name):
    path = pages[name]
    html = Client().get(path).content.decode()  # Host: testserver
    block = html.split('<section class="share"')[1].split("</section>")[0]
    url = SITE + path
    encoded = url.replace(":", "%3A").replace("/", "%2F")
    assert f'value="{url}" readonly' in block  # the link to copy
    assert "mailto:?subject=" in block and f"body={encoded}" in block
    assert f"share-offsite/?url={encoded}" in block
    assert f"sharer.php?u={encoded}" in block
    assert 'action="/partager/mastodon/"' in block
    assert "testserver" not in block  # never the request's Host
    assert "<script src=" in block and "<script>" not in html  # an external file only


def test_private_group_has_no_share_block(resident):
    from parvis.groups.models import Visibility
    from tests.groups.conftest import create_group

    group = create_group(resident, name="Bureau", visibility=Visibility.PRIVATE)
    client = Client()
    client.force_login(resident)
    assert '<section class="share"' not in client.get(group.get_absolute_url()).content.decode()
