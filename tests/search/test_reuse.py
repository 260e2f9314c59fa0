"""Searches served again from the page cache (``search.group_results``, ``public_page``): what
changed shows at once — a hidden, deleted, new or edited item, a member joining or leaving a
private group — and each type's results are reused only by those who see the same."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.agenda.models import Event
from parvis.core import pagecache, search
from parvis.groups import services as group_services
from tests.agenda.conftest import create_event
from tests.factories import UserFactory
from tests.groups.conftest import add_member
from tests.moderation.helpers import hide

pytestmark = pytest.mark.postgresql

PRIVATE = "Places du marché secrètes"


def page(client, text="marché"):
    """The search page's HTML (a cached page has no template context to read)."""
    response = client.get("/recherche/", {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def api_titles(client, text="marché"):
    groups = client.get("/api/recherche/", {"q": text}).json()["groups"]
    return {result["title"] for group in groups for result in group["results"]}


def suggested(client, text="marché"):
    groups = client.get("/recherche/suggestions/", {"q": text}).json()["groups"]
    return {result["title"] for group in groups for result in group["results"]}


def test_a_visitor_search_asked_again_costs_no_query(client, world, django_assert_num_queries):
    first = client.get("/recherche/", {"q": "marché"})
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get("/recherche/", {"q": "marché", "utm_source": "x"})
        suggestions = client.get("/recherche/suggestions/", {"q": "marché"})
        client.get("/api/recherche/", {"q": "marché"})
        answer = client.get("/api/recherche/", {"q": "marché"})
    assert again["X-Page-Cache"] == "hit"
    assert again.content.decode().count("Grand marché de Noël") == 1
    # The suggestions reused the search page's results (no query) and are never kept by
    # browsers.
    assert "Grand marché de Noël" in {
        result["title"] for group in suggestions.json()["groups"] for result in group["results"]
    }
    assert "no-store" in suggestions["Cache-Control"]
    assert answer["X-Page-Cache"] == "hit"


def searched(queries, table):
    """Whether one of ``queries`` searched ``table`` (the type whose rows it holds)."""
    return any(f'FROM "{table}"' in query["sql"] for query in queries.captured_queries)


TYPES = ("agenda_event", "news_post", "organisations_organisation", "groups_thread")


def test_members_reuse_the_results_of_types_they_all_see_alike(client, login, world):
    first_member, second_member = UserFactory(), UserFactory()
    login(first_member)
    with CaptureQueriesContext(connection) as first:
        before = page(client)
    login(second_member)
    with CaptureQueriesContext(connection) as second:
        after = page(client)
    assert all(searched(first, table) for table in TYPES)
    assert not any(searched(second, table) for table in TYPES)
    assert "Paul Marchetti" in after  # visible to members, and to them only
    assert after.count("Grand marché de Noël") == before.count("Grand marché de Noël") == 1


def test_a_cached_search_hides_an_item_at_once(client, login, world, moderator):
    member = UserFactory()
    for ask in (page, api_titles, suggested):
        assert "Grand marché de Noël" in ask(client)
    login(member)
    assert "Grand marché de Noël" in page(client)
    hide(world["event"], moderator)
    assert "Grand marché de Noël" not in page(client)
    client.logout()
    for ask in (page, api_titles, suggested):
        assert "Grand marché de Noël" not in ask(client)


def test_a_cached_search_forgets_deleted_discussions_and_groups(client, login, world, moderator):
    assert "Horaires du marché" in page(client)
    login(UserFactory())
    assert "Horaires du marché" in page(client)
    group_services.thread_delete(
        thread=world["public_thread"], actor=world["manager"], reason="Doublon."
    )
    assert "Horaires du marché" not in page(client)
    group_services.group_delete(group=world["group"], moderator=moderator, reason="Spam.")
    assert "Amis du marché bio" not in page(client)
    client.logout()
    assert "Horaires du marché" not in page(client)
    assert "Amis du marché bio" not in api_titles(client)


def test_a_cached_search_shows_a_new_and_an_edited_item_at_once(client, login, world):
    assert "Marché aux puces" not in page(client)
    login(UserFactory())
    assert "Marché aux puces" not in page(client)
    create_event(
        created_by=world["manager"], commune=world["event"].commune, title="Marché aux puces"
    )
    assert "Marché aux puces" in page(client)
    Event.objects.filter(pk=world["event"].pk).update(title="Grand marché de l’Avent")
    html = page(client)
    assert "Grand marché de l’Avent" in html and "Grand marché de Noël" not in html
    client.logout()
    assert "Marché aux puces" in page(client)
    assert "Grand marché de l’Avent" in api_titles(client)
    assert "Grand marché de l’Avent" in page(client, "Avent")


def test_a_visitor_page_built_from_members_answers_still_shows_changes_at_once(
    client, login, world
):
    """The visitors' page is rendered from the types' answers a member's search left in the
    cache: it depends on what they read all the same."""
    login(UserFactory())
    page(client)
    client.logout()
    assert "Marché aux puces" not in page(client)
    create_event(
        created_by=world["manager"], commune=world["event"].commune, title="Marché aux puces"
    )
    assert "Marché aux puces" in page(client)
    Event.objects.filter(pk=world["event"].pk).update(title="Grand marché de l’Avent")
    assert "Grand marché de l’Avent" in page(client)


def test_private_discussions_are_reused_only_by_members_of_the_same_groups(
    client, login, world, private_member
):
    outsider = UserFactory()
    login(outsider)
    assert PRIVATE not in page(client)
    login(private_member)
    assert PRIVATE in page(client)
    login(outsider)
    assert PRIVATE not in page(client)
    client.logout()
    assert PRIVATE not in page(client) and PRIVATE not in api_titles(client)
    # Joining shows the group's discussions at once; leaving hides them at once.
    add_member(world["private_group"], outsider)
    login(outsider)
    assert PRIVATE in page(client)
    group_services.membership_leave(group=world["private_group"], user=outsider)
    assert PRIVATE not in page(client)


def test_a_reply_retires_the_discussions_not_the_events(client, login, world):
    login(UserFactory())
    page(client)
    group_services.message_post(thread=world["public_thread"], author=world["manager"], body="Oui")
    with CaptureQueriesContext(connection) as queries:
        html = page(client)
    assert searched(queries, "groups_thread")  # its discussion moved: searched again
    assert not searched(queries, "agenda_event")  # reused
    assert not searched(queries, "organisations_organisation")
    assert "Horaires du marché" in html and "Grand marché de Noël" in html


def test_each_type_depends_on_every_table_its_query_reads(world):
    """What retires a type's reused results: the collections its query reads, filters and
    subqueries included (here the discussions': the groups they belong to, moderation's
    hidden items), and the groups' activity (a reply reorders them)."""
    queryset = search.providers.get("discussions").query(
        AnonymousUser(), search.Query.parse("marché")
    )
    tags = pagecache.read_by(queryset.query.sql_with_params()[0])
    assert {
        "groups.thread",
        "groups.group",
        "groups.group@activity",
        "moderation.moderationcase",
    } <= tags
