"""A group's members, other pages in place (htmx); the page without it."""

import pytest

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
