"""Targeting is exact: who sees which post, with members of three communes in two EPCIs.

Beauvais is in the CA du Beauvaisis (arrondissement of Beauvais); Compiègne and Margny are in
the ARC (arrondissement of Compiègne). Each post below is aimed at one place.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from parvis.news.models import Follow
from parvis.news.selectors import feed_posts, latest_for, posts_for_territory
from parvis.news.services import follow_create

from ..factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def posts(oise, make_post, official, association_manager, association):
    """One post per kind of target, by the town hall of Compiègne unless said otherwise."""
    arr_beauvais, arr_compiegne = oise["arrondissements"]
    beauvaisis, arc = oise["epcis"]
    return {
        "whole": make_post(title="Pour tout le département"),
        "departement": make_post(title="Le département visé", audience=[oise["departement"]]),
        "beauvais": make_post(title="Pour Beauvais", audience=[oise["beauvais"]]),
        "compiegne": make_post(title="Pour Compiègne", audience=[oise["compiegne"]]),
        "margny": make_post(title="Pour Margny", audience=[oise["margny"]]),
        "beauvaisis": make_post(title="Pour le Beauvaisis", audience=[beauvaisis]),
        "arc": make_post(title="Pour l'ARC", audience=[arc]),
        "arr_beauvais": make_post(title="Arrondissement de Beauvais", audience=[arr_beauvais]),
        "arr_compiegne": make_post(title="Arrondissement de Compiègne", audience=[arr_compiegne]),
        "two_communes": make_post(
            title="Beauvais et Margny", audience=[oise["beauvais"], oise["margny"]]
        ),
        "official": make_post(
            title="Le mot du maire de Compiègne",
            author=official,
            organisation=None,
            audience=[oise["compiegne"]],
        ),
        "association": make_post(
            title="Les Amis recrutent",
            author=association_manager,
            organisation=association,
            audience=[oise["beauvais"]],
        ),
    }


def titles(posts):
    return {post.title for post in posts}


WHOLE = {"Pour tout le département", "Le département visé"}
BEAUVAIS = WHOLE | {
    "Pour Beauvais",
    "Pour le Beauvaisis",
    "Arrondissement de Beauvais",
    "Beauvais et Margny",
    "Les Amis recrutent",
}
COMPIEGNE = WHOLE | {
    "Pour Compiègne",
    "Pour l'ARC",
    "Arrondissement de Compiègne",
    "Le mot du maire de Compiègne",
}
MARGNY = WHOLE | {"Pour Margny", "Pour l'ARC", "Arrondissement de Compiègne", "Beauvais et Margny"}


def test_resident_of_beauvais_sees_what_concerns_beauvais_only(posts, resident):
    assert titles(feed_posts(resident)) == BEAUVAIS


def test_resident_of_compiegne_sees_what_concerns_compiegne_only(posts, other_resident):
    assert titles(feed_posts(other_resident)) == COMPIEGNE


def test_resident_of_margny_shares_the_epci_but_not_the_commune_posts(posts, margny_resident):
    seen = titles(feed_posts(margny_resident))
    assert seen == MARGNY
    assert "Pour Compiègne" not in seen
    assert "Le mot du maire de Compiègne" not in seen


def test_visitor_sees_the_posts_for_the_whole_departement(posts):
    assert titles(feed_posts(AnonymousUser())) == WHOLE


def test_visitor_picks_a_commune_and_sees_what_its_residents_see(posts, oise):
    assert titles(feed_posts(AnonymousUser(), commune=oise["margny"])) == MARGNY
    assert titles(feed_posts(AnonymousUser(), commune=oise["beauvais"])) == BEAUVAIS


def test_member_looking_at_another_commune_sees_that_commune_without_their_follows(
    posts, resident, oise
):
    follow_create(user=resident, target=oise["compiegne"])
    assert titles(feed_posts(resident, commune=oise["margny"])) == MARGNY


def test_following_a_commune_adds_what_concerns_it(posts, resident, oise):
    follow_create(user=resident, target=oise["compiegne"])

    seen = titles(feed_posts(resident))

    assert seen == BEAUVAIS | COMPIEGNE
    assert "Pour Margny" not in seen


def test_following_an_epci_adds_the_posts_aimed_at_it(posts, resident, oise):
    follow_create(user=resident, target=oise["epcis"][1])

    assert titles(feed_posts(resident)) == BEAUVAIS | {"Pour l'ARC"}


def test_following_an_organisation_adds_all_its_posts_wherever_they_are_aimed(
    posts, resident, institution
):
    follow_create(user=resident, target=institution)

    seen = titles(feed_posts(resident))

    town_hall = {
        post.title for key, post in posts.items() if key not in {"official", "association"}
    }
    assert seen == BEAUVAIS | town_hall
    assert "Le mot du maire de Compiègne" not in seen


def test_following_an_official_adds_their_own_posts_not_their_organisations(
    posts, margny_resident, official, oise, make_post
):
    town_hall = OrganisationFactory(
        name="Mairie test", slug="mairie-test", commune=oise["compiegne"]
    )
    MembershipFactory(organisation=town_hall, user=official)
    make_post(
        title="Post de la mairie par le maire",
        author=official,
        organisation=town_hall,
        audience=[oise["compiegne"]],
    )
    follow_create(user=margny_resident, target=official)

    seen = titles(feed_posts(margny_resident))

    assert seen == MARGNY | {"Le mot du maire de Compiègne"}


def test_unfollowing_removes_the_posts_again(posts, resident, oise):
    from parvis.news.services import follow_delete

    follow_create(user=resident, target=oise["compiegne"])
    assert follow_delete(user=resident, target=oise["compiegne"]) is True

    assert titles(feed_posts(resident)) == BEAUVAIS
    assert not Follow.objects.filter(user=resident).exists()


def test_feed_lists_each_post_once_newest_first(posts, resident, oise, institution):
    follow_create(user=resident, target=institution)
    follow_create(user=resident, target=oise["margny"])

    feed = list(feed_posts(resident))

    assert len(feed) == len({post.pk for post in feed})
    dates = [post.publish_at for post in feed]
    assert dates == sorted(dates, reverse=True)


def test_member_without_commune_sees_the_whole_departement_and_their_follows(posts, oise):
    member = UserFactory(email="sans.commune@example.org", commune=None)
    follow_create(user=member, target=oise["margny"])

    assert titles(feed_posts(member)) == MARGNY


def test_home_page_selector_gives_the_latest_of_the_same_feed(posts, other_resident):
    latest = latest_for(other_resident, 3)

    assert len(latest) == 3
    assert titles(latest) <= COMPIEGNE
    assert [p.pk for p in latest] == [p.pk for p in feed_posts(other_resident)[:3]]


def test_territory_pages_show_the_posts_aimed_at_them_in_particular(posts, oise):
    beauvaisis, arc = oise["epcis"]
    arr_beauvais, arr_compiegne = oise["arrondissements"]

    assert titles(posts_for_territory(oise["margny"])) == {
        "Pour Margny",
        "Pour l'ARC",
        "Arrondissement de Compiègne",
        "Beauvais et Margny",
    }
    assert titles(posts_for_territory(arc)) == {
        "Pour Compiègne",
        "Pour Margny",
        "Pour l'ARC",
        "Beauvais et Margny",
        "Le mot du maire de Compiègne",
    }
    assert titles(posts_for_territory(arr_beauvais)) == {
        "Pour Beauvais",
        "Arrondissement de Beauvais",
        "Beauvais et Margny",
        "Les Amis recrutent",
    }
    assert titles(posts_for_territory(oise["departement"])) == WHOLE


def test_the_feed_page_shows_each_member_their_posts(posts, login, resident, other_resident):
    page = login(resident).get("/actualites/").content.decode()
    assert "Pour Beauvais" in page
    assert "Pour Compiègne" not in page

    page = login(other_resident).get("/actualites/").content.decode()
    assert "Pour Compiègne" in page
    assert "Pour Beauvais" not in page


def test_visitor_page_with_a_commune_by_name_postal_or_insee_code(posts, client):
    for value in ("60382", "Margny-lès-Compiègne", "60280", "margny les compiegne"):
        page = client.get("/actualites/", {"commune": value}).content.decode()
        assert "Pour Margny" in page, value
        assert "Pour Compiègne" not in page, value
