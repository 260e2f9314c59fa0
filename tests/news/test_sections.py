"""The sections the news app adds to the territory pages and the officials' pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines

from parvis.news.content import official_posts, portal_news
from parvis.news.models import Follow
from parvis.territories.portal import portal_sections


def render(template, **context):
    return engines["django"].from_string(template).render(context)


def test_news_is_registered_on_the_territory_pages():
    assert "news" in portal_sections


def test_commune_section_shows_posts_aimed_at_it_and_its_follow_state(
    make_post, oise, resident, django_assert_max_num_queries
):
    make_post(title="Pour Margny", audience=[oise["margny"]])
    make_post(title="Pour l'ARC", audience=[oise["epcis"][1]])
    make_post(title="Pour tout le département")
    make_post(title="Pour Beauvais", audience=[oise["beauvais"]])
    Follow.objects.create(user=resident, territory=oise["margny"])

    with django_assert_max_num_queries(2):
        context = portal_news(oise["margny"], resident)

    assert [post.title for post in context["posts"]] == ["Pour l'ARC", "Pour Margny"]
    assert context["following"] is True
    assert context["see_all_url"] == "/actualites/?commune=60382"
    assert context["rss_url"] == "/actualites/communes/60382.rss"


def test_epci_section_links_to_its_feed(oise):
    context = portal_news(oise["epcis"][1], AnonymousUser())
    assert context["see_all_url"] == "/actualites/?epci=246000756"
    assert context["following"] is False


def test_territory_page_renders_the_section(client, make_post, oise):
    make_post(title="Pour Margny", audience=[oise["margny"]])
    rendered = portal_sections.render(oise["margny"], AnonymousUser())
    news = next(section for section in rendered if section.key == "news")

    html = render(
        "{% load parvis_sections %}{% render_section block subject %}",
        block=news,
        subject=oise["margny"],
    )

    assert "Pour Margny" in html
    assert "Log in to follow" in html


def test_official_section_lists_their_own_posts(make_post, official, oise, resident):
    pytest.importorskip("parvis.officials.sections")
    from parvis.officials.sections import official_sections

    make_post(title="Le mot du maire", author=official, organisation=None)
    make_post(title="Post de la mairie")

    context = official_posts(official, resident)

    assert "posts" in official_sections
    assert [post.title for post in context["posts"]] == ["Le mot du maire"]
    assert context["following"] is False


def test_follow_button_and_organisation_posts_tags(make_post, institution, rf, resident):
    make_post(title="Post de la mairie")
    request = rf.get("/organisations/mairie-de-compiegne/")
    request.user = resident

    html = render(
        "{% load news_tags %}{% follow_button organisation %}{% organisation_posts organisation %}",
        organisation=institution,
        request=request,
        user=resident,
    )

    assert 'name="kind" value="organisation"' in html
    assert "Post de la mairie" in html


def test_commune_portal_page_shows_the_targeted_information(client, make_post, oise):
    make_post(title="Pour Margny", audience=[oise["margny"]])
    make_post(title="Pour Beauvais", audience=[oise["beauvais"]])

    response = client.get("/communes/60382/", follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-news"' in page
    assert "Pour Margny" in page
    assert "Pour Beauvais" not in page
    assert 'href="/actualites/?commune=60382"' in page


def test_official_page_shows_their_posts_and_a_follow_button(login, resident, make_post, official):
    make_post(title="Le mot du maire", author=official, organisation=None)

    page = login(resident).get(f"/elus/{official.pk}/").content.decode()

    assert 'id="section-posts"' in page
    assert "Le mot du maire" in page
    assert 'name="kind" value="membre"' in page
