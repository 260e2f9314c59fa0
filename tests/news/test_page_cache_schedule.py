"""Posts published later and the page cache (``core.pagecache.schedule``): lists of posts are
kept for the page time while no post is due, and renewed when one is."""

import datetime as dt
import time

import pytest
from django.test import Client
from django.utils import timezone

from parvis.core.pagecache import STATUS_HEADER

pytestmark = pytest.mark.django_db


def visit(url):
    response = Client().get(url)
    assert response.status_code == 200
    return response[STATUS_HEADER], response.content.decode()


def test_a_post_published_later_renews_the_lists_at_its_publication(make_post, settings):
    """Lists of posts are kept for the page time, not a minute, while no post is due; a post
    scheduled for later enters them at its publication, not up to a page time later."""
    settings.PARVIS_PAGE_CACHE_SECONDS = 3600
    make_post(title="Déjà en ligne")
    assert visit("/actualites/")[0] == "miss"
    assert visit("/actualites/")[0] == "hit"
    post = make_post(title="Programmé bientôt", publish_at=timezone.now() + dt.timedelta(seconds=3))
    status, page = visit("/actualites/")  # the new row retired the list
    assert status == "miss" and "Programmé bientôt" not in page
    assert visit("/actualites/")[0] == "hit"  # kept until its publication
    time.sleep(max(0, (post.publish_at - timezone.now()).total_seconds()) + 0.2)
    status, page = visit("/actualites/")
    assert status == "miss"
    assert "Programmé bientôt" in page
    assert visit("/actualites/")[0] == "hit"  # nothing else due: kept again
