"""The search pages cost a fixed number of queries whatever the volume: one per type (with a
LIMIT) for the overview, a capped count and one page for a type."""

import re

import pytest

from parvis.core import search
from tests.factories import UserFactory

from .conftest import build_world

pytestmark = pytest.mark.postgresql

#: One query per registered type (twelve today), for a visitor (no session), and, for a page
#: stored in the page cache after a write to the information or the consultations, the next
#: post and consultation due by themselves (``pagecache.schedule``, read once): 2 more.
TYPES = 12
VISITOR_OVERVIEW = TYPES + 2
#: The same plus what a member's page costs: the user, the user sessions' bookkeeping (5, with
#: savepoints), the sanction check, the member's commune, the header's unread counts
#: (notifications, messages) and the questions type's two look-ups of what the member answers
#: for (an official's delegations, their organisations): twelve, whatever the volume.
MEMBER_OVERVIEW = TYPES + 12
#: A member's search whose every type is reused (``search.group_results``): what any member's
#: page costs (the same twelve but the questions type's two look-ups) and the private groups
#: they belong to (the discussions' and the calls' audience).
MEMBER_REUSED = MEMBER_OVERVIEW - TYPES - 2 + 1


def grow(oise, volume):
    for number in range(volume):
        build_world(oise, suffix=f" {number}")


@pytest.mark.parametrize("volume", [0, 6])
def test_overview_queries_do_not_grow_with_the_results(
    client, login, oise, world, volume, django_assert_max_num_queries
):
    grow(oise, volume)
    assert len(search.providers) == TYPES
    with django_assert_max_num_queries(VISITOR_OVERVIEW):
        response = client.get("/recherche/", {"q": "marché"})
    assert len(response.context["groups"]) == 8
    if volume:
        assert any(group.has_more for group in response.context["groups"])
    with django_assert_max_num_queries(VISITOR_OVERVIEW):
        client.get("/recherche/suggestions/", {"q": "marché"})
    login(UserFactory(commune=oise["beauvais"]))
    with django_assert_max_num_queries(MEMBER_OVERVIEW):
        response = client.get("/recherche/", {"q": "marché"})
    assert response.status_code == 200


@pytest.mark.parametrize("volume", [0, 6])
def test_searches_asked_again_are_reused(
    client, login, oise, world, private_member, volume, django_assert_max_num_queries
):
    grow(oise, volume)
    client.get("/recherche/", {"q": "marché"})
    with django_assert_max_num_queries(0):  # a visitor's: pages of the page cache
        client.get("/recherche/", {"q": "marché"})
        client.get("/recherche/suggestions/", {"q": "marché"})  # the page's first results
    client.get("/api/recherche/", {"q": "marché"})
    with django_assert_max_num_queries(0):
        client.get("/api/recherche/", {"q": "marché"})
    first, second = UserFactory(commune=oise["beauvais"]), UserFactory(commune=oise["beauvais"])
    login(first)
    with django_assert_max_num_queries(MEMBER_OVERVIEW + 1):  # + the private groups
        client.get("/recherche/", {"q": "marché"})
    login(second)  # another member: every type reused
    with django_assert_max_num_queries(MEMBER_REUSED):
        response = client.get("/recherche/", {"q": "marché"})
    assert len(response.context["groups"]) == 8
    login(private_member)  # the discussions of their private group: searched for them
    with django_assert_max_num_queries(MEMBER_REUSED + 2):
        response = client.get("/recherche/", {"q": "marché"})
    if not volume:  # with more, the public discussions rank first
        assert "Places du marché secrètes" in response.content.decode()


def test_without_the_page_cache_a_search_costs_as_many_queries(
    client, login, oise, world, settings, django_assert_max_num_queries
):
    settings.PARVIS_PAGE_CACHE_SECONDS = 0
    settings.PARVIS_FRAGMENT_CACHE_SECONDS = 0  # search answers are fragments
    login(UserFactory(commune=oise["beauvais"]))
    for _ in range(2):
        with django_assert_max_num_queries(MEMBER_OVERVIEW):
            client.get("/recherche/", {"q": "marché"})


@pytest.mark.parametrize("volume", [0, 6])
@pytest.mark.parametrize("key", ["evenements", "discussions", "organisations", "membres"])
def test_one_type_page_is_two_queries(
    client, oise, world, volume, key, django_assert_max_num_queries
):
    grow(oise, volume)
    with django_assert_max_num_queries(2):
        response = client.get("/recherche/", {"q": "marché", "type": key})
    assert response.context["page"].results
    with django_assert_max_num_queries(0):
        again = client.get("/recherche/", {"q": "marché", "type": key})
    assert again["X-Page-Cache"] == "hit"
    assert response.context["page"].results[0].title in again.content.decode()


@pytest.mark.parametrize("volume", [0, 6])
def test_api_queries_do_not_grow(client, oise, world, volume, django_assert_max_num_queries):
    grow(oise, volume)
    with django_assert_max_num_queries(VISITOR_OVERVIEW):
        response = client.get("/api/recherche/", {"q": "marché"})
    assert len(response.json()["groups"]) == 8
    with django_assert_max_num_queries(1):
        response = client.get("/api/recherche/", {"q": "marché", "type": "evenements"})
    assert response.json()["groups"][0]["results"]


@pytest.mark.parametrize(
    ("key", "table"),
    [
        ("evenements", "agenda_event"),
        ("actualites", "news_post"),
        ("organisations", "organisations_organisation"),
    ],
)
def test_large_types_match_and_rank_on_their_stored_document(key, table):
    """Events, posts and organisations are many: their document is stored (a generated,
    indexed column) and read to match and rank, never re-parsed for each match."""
    from django.contrib.auth.models import AnonymousUser

    sql = str(search.providers.get(key).query(AnonymousUser(), search.Query.parse("marché")).query)
    assert f'ts_rank("{table}"."search_document"' in sql
    assert re.search(rf'"(V0|{table})"\."search_document" @@', sql)
    assert "to_tsvector" not in sql
