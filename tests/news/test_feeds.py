"""RSS 2.0 and Atom subscriptions: valid XML, the right items, newest first."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from parvis.news.models import PostStatus

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def posts(make_post, oise, official):
    now = timezone.now()
    return [
        make_post(title="Pour tout le département", publish_at=now - dt.timedelta(hours=3)),
        make_post(
            title="Pour Margny",
            audience=[oise["margny"]],
            publish_at=now - dt.timedelta(hours=2),
        ),
        make_post(
            title="Pour l'ARC",
            body="Le **réseau** de bus change.",
            audience=[oise["epcis"][1]],
            publish_at=now - dt.timedelta(hours=1),
        ),
        make_post(title="Pour Beauvais", audience=[oise["beauvais"]]),
        make_post(title="Brouillon", status=PostStatus.DRAFT, publish_at=None),
        make_post(title="Programmé", publish_at=now + dt.timedelta(days=1)),
        make_post(
            title="Le mot du maire",
            author=official,
            organisation=None,
            audience=[oise["compiegne"]],
        ),
    ]


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    return channel, channel.findall("item")


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def test_departement_rss_holds_the_posts_for_the_whole_departement(client, posts):
    channel, items = rss_items(client, "/actualites/flux.rss")

    assert "whole département" in channel.findtext("title")
    assert [item.findtext("title") for item in items] == ["Pour tout le département"]
    item = items[0]
    assert item.findtext("link") == f"http://testserver{posts[0].get_absolute_url()}"
    assert item.findtext("guid") == f"post-{posts[0].pk}"
    assert item.findtext("category") == "Vie locale"
    assert item.findtext("pubDate")
    assert "<strong>alternée</strong>" in item.findtext("description")


def test_commune_rss_holds_what_concerns_its_residents_newest_first(client, posts):
    channel, items = rss_items(client, "/actualites/communes/60382.rss")

    assert "Margny-lès-Compiègne" in channel.findtext("title")
    assert channel.findtext("link") == "http://testserver/actualites/?commune=60382"
    assert [item.findtext("title") for item in items] == [
        "Pour l'ARC",
        "Pour Margny",
        "Pour tout le département",
    ]
    assert "<strong>réseau</strong>" in items[0].findtext("description")


def test_commune_atom_is_valid_with_the_same_entries(client, posts):
    root, entries = atom_entries(client, "/actualites/communes/60159.atom")

    assert "Compiègne" in root.findtext(f"{ATOM}title")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == ["Le mot du maire", "Pour l'ARC", "Pour tout le département"]
    mayor = entries[0]
    assert mayor.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Jean Moreau"
    assert mayor.findtext(f"{ATOM}updated")
    assert mayor.find(f"{ATOM}link").get("href").startswith("http://testserver/actualites/")


def test_departement_atom_is_valid(client, posts):
    _root, entries = atom_entries(client, "/actualites/flux.atom")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Pour tout le département"]


@pytest.mark.parametrize("url", ["/actualites/communes/99999.rss", "/actualites/communes/abc.atom"])
def test_unknown_commune_feed_is_not_found(client, oise, url):
    assert client.get(url).status_code == 404


def test_feed_holds_at_most_fifty_posts(client, make_post):
    for number in range(55):
        make_post(title=f"Information {number}")

    _channel, items = rss_items(client, "/actualites/flux.rss")

    assert len(items) == 50
