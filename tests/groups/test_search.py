"""Full-text search inside a group and across the groups a person may read."""

import pytest
from django.db import connection

from parvis.groups import search, services
from parvis.groups.models import Group, Message, Thread

pytestmark = pytest.mark.django_db


def results(client, url, q):
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def talk(thread, public_thread, member, owner):
    services.message_post(
        thread=public_thread, author=member, body="Les élèves de l'école ont planté des tomates."
    )
    services.message_post(
        thread=thread, author=member, body="Le bailleur social répond aux élèves du quartier."
    )
    return thread, public_thread


@pytest.mark.postgresql
def test_french_stemming_and_accents_are_ignored(talk, client):
    body = results(client, "/groupes/recherche/", "eleve ecole")
    assert "ont planté des tomates" in body
    assert "ont planté des tomates" in results(client, "/groupes/recherche/", "planter")


@pytest.mark.postgresql
def test_message_words_match_their_stem_and_titles_their_prefix(talk, client):
    assert "ont planté des tomates" in results(client, "/groupes/recherche/", "tomate")
    assert "Bourse aux graines du printemps" in results(client, "/groupes/recherche/", "bours")


def test_visitors_find_public_messages_only(talk, client):
    body = results(client, "/groupes/recherche/", "élèves")
    assert "ont planté des tomates" in body
    assert "bailleur social" not in body


def test_members_find_their_private_groups_messages(talk, login, member, non_member):
    assert "bailleur social" in results(login(member), "/groupes/recherche/", "élèves")
    assert "bailleur social" not in results(login(non_member), "/groupes/recherche/", "élèves")


def test_search_inside_a_group_stays_in_the_group(talk, client, public_group):
    body = results(client, f"/groupes/{public_group.slug}/recherche/", "élèves")
    assert "ont planté des tomates" in body
    assert "bailleur" not in body


def test_thread_titles_are_found(talk, client):
    assert "Bourse aux graines du printemps" in results(client, "/groupes/recherche/", "bourse")


def test_deleted_messages_and_discussions_are_not_found(talk, client, member, owner):
    message = Message.objects.get(body__startswith="Les élèves")
    services.message_delete(message=message, actor=owner, reason="Hors sujet.")
    assert "ont planté" not in results(client, "/groupes/recherche/", "élèves")
    public_thread = talk[1]
    services.thread_delete(thread=public_thread, actor=owner, reason="Doublon.")
    assert "Bourse aux graines" not in results(client, "/groupes/recherche/", "bourse")
    assert "Qui apporte" not in results(client, "/groupes/recherche/", "apporte")


def test_group_list_search(client, public_group, private_group):
    body = client.get("/groupes/", {"q": "jardins"}).content.decode()
    assert "Jardins partagés du Beauvaisis" in body
    assert "Conseil citoyen de Beauvais" not in body


def test_private_groups_are_listed_by_name_and_description(client, private_group):
    body = client.get("/groupes/", {"q": "conseil"}).content.decode()
    assert "Conseil citoyen de Beauvais" in body


def test_group_list_filters_by_theme_and_territory(client, public_group, private_group, oise):
    body = client.get("/groupes/", {"theme": "citizenship"}).content.decode()
    assert "Conseil citoyen" in body and "Jardins partagés" not in body
    body = client.get("/groupes/", {"commune": oise["beauvais"].pk}).content.decode()
    assert "Conseil citoyen" in body and "Jardins partagés" not in body
    body = client.get("/groupes/", {"epci": oise["epcis"][0].pk}).content.decode()
    assert "Conseil citoyen" in body  # Beauvais is in the CA du Beauvaisis
    body = client.get("/groupes/", {"epci": oise["epcis"][1].pk}).content.decode()
    assert "Conseil citoyen" not in body


def test_the_directory_lists_groups_by_theme_and_territory(
    client, public_group, private_group, oise
):
    body = client.get("/annuaire/", {"type": "groups"}).content.decode()
    assert "Conseil citoyen de Beauvais" in body and "Jardins partagés" in body
    body = client.get("/annuaire/", {"type": "groups", "theme": "environment"}).content.decode()
    assert "Jardins partagés" in body and "Conseil citoyen" not in body
    body = client.get(
        "/annuaire/", {"type": "groups", "arrondissement": oise["arrondissements"][0].pk}
    ).content.decode()
    assert "Conseil citoyen" in body and "Jardins partagés" not in body
    body = client.get("/annuaire/", {"type": "groups", "q": "jardins"}).content.decode()
    assert "Jardins partagés" in body and "Conseil citoyen" not in body
    assert client.get("/annuaire/", {"type": "groups", "theme": "nope"}).status_code == 200


def test_a_deleted_group_is_not_listed(client, public_group, moderator):
    services.group_delete(group=public_group, moderator=moderator, reason="Spam.")
    assert "Jardins partagés" not in client.get("/groupes/").content.decode()
    assert "Jardins partagés" not in client.get("/annuaire/?type=groups").content.decode()


def _plan(queryset):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.postgresql
def test_searches_can_use_the_gin_indexes(public_thread, owner, client):
    """A few thousand messages, then EXPLAIN: the planner can answer from the GIN indexes."""
    from .test_queries import add_threads

    add_threads(public_thread.group, owner, 200, messages=10)
    assert Message.objects.filter(search_vector__isnull=False).count() == 2001  # the trigger
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE groups_message; ANALYZE groups_thread; ANALYZE groups_group")
    words = search.search_words("tomates anciennes")
    messages = search.matching_messages(Message.objects.order_by(), words=words)
    assert "groups_message_fts" in _plan(messages)
    threads = search.matching(
        Thread.objects.all(), words=words, vector=search.thread_vector(), fallback_fields=()
    )
    assert "groups_thread_fts" in _plan(threads)
    groups = search.matching(
        Group.objects.all(), words=words, vector=search.group_vector(), fallback_fields=()
    )
    assert "groups_group_fts" in _plan(groups)


def test_territory_pages_show_their_groups(client, public_group, private_group, beauvais):
    response = client.get(f"/communes/{beauvais.code}-{beauvais.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Conseil citoyen de Beauvais" in body  # listed by name, like everywhere
    assert "Jardins partagés" not in body  # no territory: the whole département


def test_an_officials_page_shows_their_public_contributions_only(
    client, official, public_group, private_group
):
    from .conftest import add_member

    add_member(public_group, official)
    add_member(private_group, official)
    public_thread = services.thread_create(
        group=public_group, author=official, title="Le mot du maire", body="Bonjour à tous"
    )
    services.thread_create(
        group=private_group, author=official, title="Note confidentielle", body="Entre nous"
    )
    response = client.get(f"/elus/{official.pk}/")
    if response.status_code == 404:  # the official's profile is for members only
        from django.test import Client

        other = Client()
        other.force_login(official)
        response = other.get(f"/elus/{official.pk}/")
    body = response.content.decode()
    assert public_thread.title in body
    assert "Note confidentielle" not in body
