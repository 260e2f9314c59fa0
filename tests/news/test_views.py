"""The pages: the feed, a post (Open Graph), writing and running posts, "my posts", following."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from parvis.news.models import Category, Follow, Post, PostStatus

# --- the feed -----------------------------------------------------------------------------------


def test_visitor_reads_the_feed_with_subscription_links(client, make_post):
    make_post(title="Pour tout le département")

    response = client.get("/actualites/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Pour tout le département" in page
    assert 'href="/actualites/flux.rss"' in page
    assert 'type="application/atom+xml"' in page
    assert "Publish information" not in page


def test_publisher_sees_the_links_to_publish_and_to_their_posts(login, agent):
    page = login(agent).get("/actualites/").content.decode()

    assert 'href="/actualites/publier/"' in page
    assert 'href="/actualites/mes-publications/"' in page


def test_feed_filters_by_category(client, make_post):
    make_post(title="Travaux", category=Category.objects.get(slug="travaux-voirie"))
    make_post(title="Concert", category=Category.objects.get(slug="culture-sport"))

    page = client.get("/actualites/?categorie=travaux-voirie").content.decode()

    assert "Travaux" in page
    assert "Concert" not in page


def test_feed_of_an_epci_from_its_portal_page(client, make_post, oise):
    make_post(title="Pour Margny", audience=[oise["margny"]])
    make_post(title="Pour Beauvais", audience=[oise["beauvais"]])

    page = client.get("/actualites/?epci=246000756").content.decode()

    assert "Pour Margny" in page
    assert "Pour Beauvais" not in page


def test_feed_is_paginated(client, make_post):
    for number in range(25):
        make_post(title=f"Information numéro {number}")

    first = client.get("/actualites/").content.decode()
    second = client.get("/actualites/?page=2").content.decode()

    assert first.count('class="news-post"') == 20
    assert second.count('class="news-post"') == 5
    assert 'rel="next"' in first


# --- a post -------------------------------------------------------------------------------------


def test_post_page_has_open_graph_tags_and_sanitised_text(client, make_post, settings, oise):
    post = make_post(
        title="Coupure d'eau",
        body="Mardi **matin**, de 9 h à 12 h.",
        audience=[oise["compiegne"]],
    )

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="Coupure d&#x27;eau">' in page
    assert "og:description" in page and "Mardi matin, de 9 h à 12 h." in page
    assert f'<meta property="og:url" content="http://testserver{post.get_absolute_url()}">' in page
    assert "article:published_time" in page
    assert "<strong>matin</strong>" in page
    assert "Mairie de Compiègne" in page
    assert "For: Compiègne" in page
    assert 'name="robots" content="noindex"' not in page


def test_post_address_with_another_slug_redirects(client, make_post):
    post = make_post(title="Le bon titre")

    response = client.get(f"/actualites/{post.pk}-mauvais-titre/")

    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": PostStatus.DRAFT, "publish_at": None},
        {"status": PostStatus.UNPUBLISHED},
        {"publish_at": timezone.now() + dt.timedelta(days=2)},
        {
            "publish_at": timezone.now() - dt.timedelta(days=5),
            "expires_at": timezone.now() - dt.timedelta(days=1),
        },
    ],
    ids=["draft", "unpublished", "scheduled", "expired"],
)
def test_post_that_is_not_live_is_not_found_for_others_but_seen_by_its_team(
    client, login, make_post, agent, resident, moderator, fields
):
    post = make_post(title="Pas en ligne", **fields)

    assert client.get(post.get_absolute_url()).status_code == 404
    assert login(resident).get(post.get_absolute_url()).status_code == 404
    team_page = login(agent).get(post.get_absolute_url())
    assert team_page.status_code == 200
    assert 'name="robots" content="noindex"' in team_page.content.decode()
    assert login(moderator).get(post.get_absolute_url()).status_code == 200


def test_visitor_is_sent_to_log_in_to_publish(client):
    response = client.get("/actualites/publier/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


def test_resident_is_told_who_may_publish(login, resident):
    response = login(resident).get("/actualites/publier/")

    assert response.status_code == 403
    assert "verified associations" in response.content.decode()


def form_data(**overrides):
    return {
        "title": "Fermeture exceptionnelle de la mairie",
        "body": "La mairie sera **fermée** lundi.",
        "category": Category.objects.get(slug="demarches").pk,
        "publisher": "",
        "image_alt": "",
        "audience_communes": "",
        "publish_date": "",
        "publish_time": "",
        "expires_on": "",
        **overrides,
    }


def test_agent_publishes_for_the_town_hall_at_the_commune(login, agent, institution, oise):
    response = login(agent).post(
        "/actualites/publier/",
        form_data(publisher=str(institution.pk), audience_communes="Compiègne", publish="1"),
    )

    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert post.is_live()
    assert post.organisation == institution
    assert list(post.audience.all()) == [oise["compiegne"]]


def test_publisher_form_offers_only_what_the_member_may_publish_for(
    login, official, agent, institution
):
    page = login(official).get("/actualites/publier/").content.decode()
    assert "Myself, as an elected official (Jean Moreau)" in page
    assert "Mairie de Compiègne" not in page

    page = login(agent).get("/actualites/publier/").content.decode()
    assert "Myself, as an elected official" not in page
    assert f'value="{institution.pk}"' in page


def test_official_schedules_a_post_with_an_end_of_display(login, official, oise):
    day = timezone.localdate() + dt.timedelta(days=3)
    response = login(official).post(
        "/actualites/publier/",
        form_data(
            publisher="self",
            audience=[oise["epcis"][1].pk],
            publish_date=day.isoformat(),
            publish_time="08:30",
            expires_on=(day + dt.timedelta(days=7)).isoformat(),
            publish="1",
        ),
    )

    post = Post.objects.get()
    assert response.status_code == 302
    assert post.is_scheduled
    local = timezone.localtime(post.publish_at)
    assert (local.date(), local.hour, local.minute) == (day, 8, 30)
    assert timezone.localtime(post.expires_at).date() == day + dt.timedelta(days=8)
    assert list(post.audience.all()) == [oise["epcis"][1]]


def test_member_saves_a_draft_then_publishes_it_from_its_page(login, official):
    client = login(official)
    client.post("/actualites/publier/", form_data(publisher="self", save_draft="1"))
    post = Post.objects.get()
    assert post.status == PostStatus.DRAFT

    response = client.post(f"/actualites/{post.pk}-{post.slug}/publier/")

    post.refresh_from_db()
    assert response.status_code == 302
    assert post.is_live()


def test_team_edits_a_post_and_keeps_its_date(login, agent, make_post):
    post = make_post(title="Ancien titre", body="Ancien texte.")
    before = post.publish_at

    response = login(agent).post(
        f"/actualites/{post.pk}-{post.slug}/modifier/",
        form_data(
            title="Nouveau titre", publisher=str(post.organisation_id), save="1", body="Texte."
        ),
    )

    post.refresh_from_db()
    assert response.status_code == 302
    assert (post.title, post.body, post.publish_at) == ("Nouveau titre", "Texte.", before)


def test_edit_form_shows_the_post_as_it_is(login, agent, make_post, oise):
    post = make_post(title="Titre actuel", audience=[oise["margny"], oise["epcis"][1]])

    page = login(agent).get(f"/actualites/{post.pk}-{post.slug}/modifier/").content.decode()

    assert 'value="Titre actuel"' in page
    assert "Margny-lès-Compiègne</textarea>" in page
    assert re.search(rf'<option value="{oise["epcis"][1].pk}" selected>', page)


def test_stranger_cannot_open_the_edit_page(login, resident, make_post, client):
    post = make_post()
    draft = make_post(status=PostStatus.DRAFT, publish_at=None)

    assert login(resident).get(f"/actualites/{post.pk}-{post.slug}/modifier/").status_code == 403
    assert login(resident).get(f"/actualites/{draft.pk}-{draft.slug}/modifier/").status_code == 404
    client.logout()
    assert client.get(f"/actualites/{post.pk}-{post.slug}/modifier/").status_code == 302


def test_team_unpublishes_a_post(login, agent, make_post):
    post = make_post()

    response = login(agent).post(f"/actualites/{post.pk}-{post.slug}/depublier/", {"reason": ""})

    post.refresh_from_db()
    assert response.status_code == 302
    assert post.status == PostStatus.UNPUBLISHED


def test_team_deletes_a_draft(login, agent, make_post):
    draft = make_post(status=PostStatus.DRAFT, publish_at=None)

    response = login(agent).post(f"/actualites/{draft.pk}-{draft.slug}/supprimer/")

    assert response.status_code == 302
    assert not Post.objects.exists()


def test_my_posts_lists_the_teams_posts_in_every_state(
    login, agent, association_manager, make_post
):
    make_post(title="Brouillon de la mairie", status=PostStatus.DRAFT, publish_at=None)
    make_post(title="Programmé", publish_at=timezone.now() + dt.timedelta(days=1))
    make_post(title="Publié")
    make_post(title="Autre association", author=association_manager, organisation=None)

    page = login(agent).get("/actualites/mes-publications/").content.decode()
    assert "Brouillon de la mairie" in page
    assert "Programmé" in page and "scheduled" in page
    assert "Publié" in page
    assert "Autre association" not in page

    drafts = login(agent).get("/actualites/mes-publications/?statut=brouillons").content.decode()
    assert "Brouillon de la mairie" in drafts
    assert "Publié</a>" not in drafts


# --- following ----------------------------------------------------------------------------------


def test_member_follows_and_unfollows_a_commune_from_its_feed(login, resident, oise):
    client = login(resident)
    page = client.get("/actualites/?commune=60159").content.decode()
    assert 'action="/actualites/suivre/"' in page

    response = client.post(
        "/actualites/suivre/",
        {"kind": "territoire", "id": oise["compiegne"].pk, "next": "/actualites/?commune=60159"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/actualites/?commune=60159"
    assert Follow.objects.filter(user=resident, territory=oise["compiegne"]).exists()
    page = client.get("/actualites/?commune=60159").content.decode()
    assert 'action="/actualites/ne-plus-suivre/"' in page

    client.post("/actualites/ne-plus-suivre/", {"kind": "territoire", "id": oise["compiegne"].pk})
    assert not Follow.objects.exists()


def test_member_follows_the_publisher_from_a_post(login, resident, make_post, institution):
    post = make_post()
    page = login(resident).get(post.get_absolute_url()).content.decode()
    assert 'name="kind" value="organisation"' in page

    login(resident).post("/actualites/suivre/", {"kind": "organisation", "id": institution.pk})

    assert Follow.objects.filter(user=resident, organisation=institution).exists()
    page = login(resident).get("/actualites/suivis/").content.decode()
    assert "Mairie de Compiègne" in page


def test_visitor_is_asked_to_log_in_to_follow(client, make_post, oise):
    post = make_post()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Log in to follow" in page

    response = client.post("/actualites/suivre/", {"kind": "territoire", "id": oise["margny"].pk})

    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_next_address_of_another_site_is_ignored(login, resident, oise):
    response = login(resident).post(
        "/actualites/suivre/",
        {"kind": "territoire", "id": oise["margny"].pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/actualites/"


def test_navigation_links_to_the_information(client, db):
    page = client.get("/").content.decode()
    assert 'href="/actualites/"' in page


def test_moderator_unpublishes_from_the_site_with_a_required_reason(login, moderator, make_post):
    post = make_post()
    client = login(moderator)
    url = f"/actualites/{post.pk}-{post.slug}/depublier/"

    page = client.get(url).content.decode()
    assert "only a moderator may publish it again" in page
    refused = client.post(url, {"reason": ""})
    assert "Give the reason" in refused.content.decode()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED

    client.post(url, {"reason": "Hors charte."})
    post.refresh_from_db()
    assert post.status == PostStatus.UNPUBLISHED
    assert post.moderation_reason == "Hors charte."
