"""Every page and feed of the targeted information runs a fixed number of SQL queries, whatever
the number of posts, audiences, follows and publishers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.news.selectors import latest_for
from parvis.news.services import follow_create

from ..factories import MandateFactory, MembershipFactory, OrganisationFactory, UserFactory
from .conftest import create_post


def add_posts(oise, count, *, offset=0):
    """``count`` live posts from as many publishers, aimed at various places."""
    places = [
        [],
        [oise["beauvais"]],
        [oise["compiegne"], oise["margny"]],
        [oise["epcis"][1]],
        [oise["arrondissements"][0], oise["departement"]],
    ]
    for number in range(offset, offset + count):
        if number % 2:
            organisation = OrganisationFactory(commune=oise["compiegne"])
            author = UserFactory(commune=oise["compiegne"])
            MembershipFactory(organisation=organisation, user=author)
        else:
            organisation = None
            author = UserFactory(commune=oise["beauvais"])
            MandateFactory(user=author, territory=oise["beauvais"])
        create_post(
            author=author,
            organisation=organisation,
            title=f"Information numéro {number}",
            audience=places[number % len(places)],
        )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


#: Pages and the most queries a visitor's request may take. A page stored in the page cache
#: after a write to the information reads, once, the next post due by itself
#: (``pagecache.schedule``): one more than the page's own.
PAGES = [
    ("/actualites/", 5 + 1),
    ("/actualites/?commune=60382&categorie=vie-locale", 7 + 1),
    ("/actualites/?epci=246000756", 6 + 1),
    ("/actualites/flux.rss", 1),
    ("/actualites/communes/60159.atom", 2),
    ("/api/actualites/", 3 + 1),
    ("/api/actualites/?commune=60057&category=vie-locale&territory={epci}", 7 + 1),
]


@pytest.mark.parametrize(("url", "most"), PAGES)
def test_visitor_pages_run_a_fixed_number_of_queries(
    client, oise, url, most, django_assert_max_num_queries
):
    url = url.format(epci=oise["epcis"][1].pk)
    add_posts(oise, 3)
    few = count_queries(client, url)
    add_posts(oise, 30, offset=3)
    with django_assert_max_num_queries(few):
        client.get(url)
    assert few <= most


@pytest.fixture
def follower(resident, oise):
    """A resident of Beauvais who follows a commune, an EPCI, organisations and officials."""
    follow_create(user=resident, target=oise["margny"])
    follow_create(user=resident, target=oise["epcis"][1])
    return resident


def test_members_feed_runs_a_fixed_number_of_queries(
    login, follower, oise, django_assert_max_num_queries
):
    client = login(follower)
    client.get("/actualites/")  # the first request of a session records it (usersessions)
    add_posts(oise, 3)
    few = count_queries(client, "/actualites/")
    add_posts(oise, 30, offset=3)
    for organisation_or_official in list(
        OrganisationFactory._meta.model.objects.filter(kind="association")[:5]
    ):
        follow_create(user=follower, target=organisation_or_official)
    # One query more, the count, once the list is longer than its first page (a shorter one
    # is counted from that page: core.pagination); then no more, whatever its length.
    with django_assert_max_num_queries(few + 1):
        response = client.get("/actualites/")
    assert "Information numéro" in response.content.decode()


def test_my_posts_runs_a_fixed_number_of_queries(
    login, agent, make_post, oise, django_assert_max_num_queries
):
    client = login(agent)
    client.get("/actualites/mes-publications/")
    for number in range(3):
        make_post(title=f"Post {number}", audience=[oise["margny"]])
    few = count_queries(client, "/actualites/mes-publications/")
    for number in range(30):
        make_post(title=f"Post {number}", audience=[oise["margny"], oise["compiegne"]])
    # One query more, the count, once the list is longer than its first page (a shorter one
    # is counted from that page: core.pagination); then no more, whatever its length.
    with django_assert_max_num_queries(few + 1):
        client.get("/actualites/mes-publications/")


def test_home_selector_runs_at_most_three_queries(
    follower, oise, django_assert_max_num_queries, django_user_model
):
    add_posts(oise, 30)
    member = django_user_model.objects.get(pk=follower.pk)  # commune not loaded yet
    with django_assert_max_num_queries(3):
        posts = latest_for(member, 5)
        titles = [(post.title, post.category.name, post.publisher_name) for post in posts]
    assert len(titles) == 5


def test_post_page_runs_a_fixed_number_of_queries(
    client, make_post, oise, django_assert_max_num_queries
):
    post = make_post(audience=[oise["margny"], oise["compiegne"], oise["epcis"][1]])
    with django_assert_max_num_queries(6):
        assert client.get(post.get_absolute_url()).status_code == 200
