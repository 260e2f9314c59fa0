"""A group's members, discussions and messages found: other pages in place for members
(htmx); the page without it."""

import pytest

from parvis.groups import services

from ..in_place import next_page_in_place
from .conftest import add_member, create_group

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_next_page_of_a_groups_members_in_place(
    login, resident, other_resident, monkeypatch
):
    monkeypatch.setattr("parvis.groups.views.browse.MEMBERS_PER_PAGE", 1)
    group = create_group(resident, name="Jardins partagés de Beauvais")
    add_member(group, other_resident)
    html = next_page_in_place(login(resident), f"/groupes/{group.slug}/membres/", "member-results")
    assert html.count("<tr>") == 2  # the header row and one member


def test_a_member_gets_the_next_page_of_discussions_and_of_messages_found_in_place(
    login, resident, monkeypatch
):
    monkeypatch.setattr("parvis.groups.views.browse.THREADS_PER_PAGE", 1)
    monkeypatch.setattr("parvis.groups.views.browse.RESULTS_PER_PAGE", 1)
    group = create_group(resident, name="Jardins partagés de Beauvais")
    for title in ("Bourse aux graines du printemps", "Graines de tomates anciennes"):
        services.thread_create(group=group, author=resident, title=title, body="Des graines ?")
    member = login(resident)
    html = next_page_in_place(member, f"/groupes/{group.slug}/", "thread-results")
    assert html.count('class="thread-row') == 1
    html = next_page_in_place(
        member, f"/groupes/{group.slug}/recherche/?q=graines", "message-results"
    )
    assert html.count('class="card"') == 1
