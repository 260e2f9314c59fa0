"""Information posts joined moderation (``news/content.py``): the post page has the
report link; a hidden post leaves every list, feed, the API and the home page, its page shows
a notice to everyone but its team and the staff; a suspended or banned member cannot post."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from parvis.news import services
from parvis.news.models import Category, Post

from ..moderation.helpers import api_as, ban, hide, suspend

pytestmark = pytest.mark.django_db

NOTICE = "This content was hidden by moderation"
BANNER = "Only its author and the moderators can see it."
TITLE = "Distribution gratuite de bons cadeaux"


@pytest.fixture
def hidden_post(make_post, moderator):
    post = make_post(title=TITLE)
    hide(post, moderator)
    return post


@pytest.fixture
def other_post(make_post):
    return make_post(title="Collecte des encombrants")


def test_a_post_page_has_the_report_link_and_visitors_are_sent_to_log_in(
    client, login, make_post, resident, agent
):
    post = make_post()
    report_url = f"/moderation/signaler/news.post/{post.pk}/"
    page = client.get(post.get_absolute_url()).content.decode()
    assert report_url in page  # a visitor sees it, and is asked to log in when following it
    response = client.get(report_url)
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")

    assert report_url in login(resident).get(post.get_absolute_url()).content.decode()
    assert report_url not in login(agent).get(post.get_absolute_url()).content.decode()


def test_a_hidden_post_leaves_the_feeds_pages_and_home(
    client, login, other_resident, make_post, moderator, compiegne
):
    everywhere = make_post(title=TITLE)  # for the whole département
    local = make_post(title="Travaux du pont de Compiègne", audience=[compiegne])
    for_visitors = [
        "/actualites/?commune=60159",
        "/actualites/flux.rss",
        "/actualites/flux.atom",
        "/actualites/communes/60159.rss",
        "/actualites/communes/60159.atom",
        compiegne.get_absolute_url(),  # the portal's "Targeted information"
    ]
    for_the_member = ["/", "/actualites/"]  # a resident of Compiègne: both posts concern them

    def titles_seen():
        client.logout()
        seen = {url: client.get(url).content.decode() for url in for_visitors}
        member = login(other_resident)
        seen.update({url: member.get(url).content.decode() for url in for_the_member})
        return {
            url: {t for t in (everywhere.title, local.title) if t in html}
            for url, html in seen.items()
        }

    assert all(titles_seen().values())  # each page lists at least one of them
    hide(everywhere, moderator)
    hide(local, moderator)
    assert not any(titles_seen().values())


def test_a_hidden_post_leaves_the_api(resident, hidden_post, other_post):
    for api in (APIClient(), api_as(resident)):
        listed = api.get("/api/actualites/").json()
        assert [item["id"] for item in listed["results"]] == [other_post.pk]
        assert api.get(f"/api/actualites/{hidden_post.pk}/").status_code == 404


def test_its_team_and_the_staff_still_see_it_with_a_banner(
    client, login, agent, moderator, hidden_post
):
    page = client.get(hidden_post.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert NOTICE in html and TITLE not in html and "noindex" in html

    for user in (agent, moderator):
        html = login(user).get(hidden_post.get_absolute_url()).content.decode()
        assert TITLE in html and BANNER in html

    mine = login(agent).get("/actualites/mes-publications/").content.decode()
    assert TITLE in mine and "hidden by moderation" in mine
    assert api_as(agent).get(f"/api/actualites/{hidden_post.pk}/").status_code == 200


def test_the_list_query_count_does_not_change_with_hidden_posts(
    client, make_post, moderator, django_assert_max_num_queries, settings
):
    settings.PARVIS_PAGE_CACHE_SECONDS = 0  # the page's own queries, each time
    for number in range(3):
        make_post(title=f"Information {number}")
    client.get("/actualites/")
    with django_assert_max_num_queries(6) as before:
        client.get("/actualites/")
    for post in Post.objects.all()[:2]:
        hide(post, moderator)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/actualites/")


# --- posting safeguards ---------------------------------------------------------------------


def _data(**extra):
    return {
        "title": "Fermeture de la piscine",
        "body": "La piscine ferme pour travaux.",
        "category": Category.objects.get(slug="vie-locale"),
        "organisation": None,
        "audience": [],
        **extra,
    }


def test_a_suspended_member_cannot_write_a_post(agent, institution):
    suspend(agent)
    with pytest.raises(ValidationError, match="Your account is suspended until"):
        services.post_create(author=agent, data=_data(organisation=institution), publish=True)
    assert not Post.objects.exists()


def test_a_suspended_member_cannot_publish_or_change_a_draft(agent, institution):
    draft = services.post_create(author=agent, data=_data(organisation=institution))
    suspend(agent)
    with pytest.raises(ValidationError, match="suspended"):
        services.post_publish(post=draft, actor=agent)
    with pytest.raises(ValidationError, match="suspended"):
        services.post_update(post=draft, editor=agent, data={"title": "Autre titre"})
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.title == "Fermeture de la piscine"


def test_a_banned_member_cannot_post_through_the_service(official):
    ban(official)
    with pytest.raises(ValidationError, match="banned"):
        services.post_create(author=official, data=_data(), publish=True)
    assert not Post.objects.exists()


def test_a_new_account_posts_a_few_posts_a_day(settings, agent, institution, login):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 1
    services.post_create(author=agent, data=_data(organisation=institution))
    form = {
        "title": "Deuxième information",
        "body": "Texte.",
        "category": Category.objects.get(slug="vie-locale").pk,
        "publisher": str(institution.pk),
    }
    response = login(agent).post("/actualites/publier/", form)
    assert response.status_code == 200
    assert "Your account is new" in response.content.decode()
    assert Post.objects.count() == 1
