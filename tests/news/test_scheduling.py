"""Scheduled posts appear from their publication date, expired ones disappear — in the feed,
the page, the RSS feeds and the API — without any background task."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from parvis.news.models import Post
from parvis.news.selectors import feed_posts, latest_for, posts_for_territory


def titles(posts):
    return {post.title for post in posts}


def test_scheduled_post_appears_at_its_publication_date(make_post, oise):
    now = timezone.now()
    make_post(title="Programmé", publish_at=now + dt.timedelta(hours=2))

    assert titles(feed_posts(AnonymousUser(), now=now)) == set()
    assert titles(feed_posts(AnonymousUser(), now=now + dt.timedelta(hours=2))) == {"Programmé"}
    assert titles(feed_posts(AnonymousUser(), now=now + dt.timedelta(days=30))) == {"Programmé"}


def test_post_disappears_at_its_end_of_display(make_post, oise):
    now = timezone.now()
    make_post(
        title="Coupure d'eau",
        publish_at=now - dt.timedelta(hours=1),
        expires_at=now + dt.timedelta(hours=3),
        audience=[oise["compiegne"]],
    )

    seen = feed_posts(AnonymousUser(), commune=oise["compiegne"], now=now)
    assert titles(seen) == {"Coupure d'eau"}
    later = now + dt.timedelta(hours=3)
    assert titles(feed_posts(AnonymousUser(), commune=oise["compiegne"], now=later)) == set()
    assert titles(posts_for_territory(oise["compiegne"], now=later)) == set()


def test_scheduled_and_expired_posts_are_not_in_the_pages_feeds_nor_api(client, make_post):
    now = timezone.now()
    make_post(title="En ligne")
    make_post(title="Programmé", publish_at=now + dt.timedelta(days=1))
    make_post(
        title="Terminé",
        publish_at=now - dt.timedelta(days=3),
        expires_at=now - dt.timedelta(days=1),
    )

    page = client.get("/actualites/").content.decode()
    rss = client.get("/actualites/flux.rss").content.decode()
    api = [post["title"] for post in client.get("/api/actualites/").json()["results"]]

    for text in (page, rss):
        assert "En ligne" in text
        assert "Programmé" not in text
        assert "Terminé" not in text
    assert api == ["En ligne"]


def test_a_scheduled_post_goes_live_by_itself(client, make_post):
    post = make_post(title="Programmé", publish_at=timezone.now() + dt.timedelta(days=1))
    assert client.get(post.get_absolute_url()).status_code == 404

    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=1))

    assert client.get(post.get_absolute_url()).status_code == 200
    assert "Programmé" in client.get("/actualites/").content.decode()


def test_home_selector_leaves_out_scheduled_and_expired_posts(make_post, resident):
    now = timezone.now()
    make_post(title="En ligne")
    make_post(title="Programmé", publish_at=now + dt.timedelta(days=1))
    make_post(
        title="Terminé",
        publish_at=now - dt.timedelta(days=3),
        expires_at=now - dt.timedelta(days=1),
    )

    assert titles(latest_for(resident, 5)) == {"En ligne"}
