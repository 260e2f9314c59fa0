"""Demo targeted information: realistic posts from the demo publishers, aimed at several
communes and EPCI, in every state; loading twice creates nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from parvis.news.models import Post, PostStatus
from parvis.territories.models import TerritoryKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(oise):
    call_command("load_demo", stdout=StringIO())


def test_demo_publishes_targeted_information(loaded):
    posts = Post.objects.all()
    live = [post for post in posts if post.is_live()]
    assert len(live) >= 15
    assert posts.filter(status=PostStatus.DRAFT).exists()
    assert posts.filter(status=PostStatus.PUBLISHED, publish_at__gt=timezone.now()).exists()
    assert posts.filter(expires_at__lte=timezone.now()).exists()
    through = Post.audience.through.objects
    assert through.filter(territory__kind=TerritoryKind.COMMUNE).exists()
    assert through.filter(territory__kind=TerritoryKind.EPCI).exists()
    assert posts.filter(audience__isnull=True).exists()
    assert posts.filter(organisation__isnull=True).exists()  # officials in their own name
    assert posts.filter(organisation__kind="institution").exists()


def test_every_demo_post_is_publishable_by_its_author(loaded):
    for post in Post.objects.select_related("author", "organisation"):
        target = post.organisation or post.author
        assert post.author.has_perm("news.publish_for", target), post


def test_loading_the_demo_again_creates_no_post(loaded):
    before = sorted(Post.objects.values_list("pk", "title", "publish_at", "updated_at"))

    out = StringIO()
    call_command("load_demo", stdout=out)

    assert sorted(Post.objects.values_list("pk", "title", "publish_at", "updated_at")) == before
    assert "nothing changed" in out.getvalue()
