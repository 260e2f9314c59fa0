"""The elected officials' other pages in place for members (htmx); the page without it."""

import pytest
from django.test import Client

from parvis.accounts.models import DirectoryVisibility, ProfileKind, VerificationStatus

from ..factories import MandateFactory, UserFactory
from ..in_place import found_in_place, next_page_in_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_official(oise):
    """Claire Dupont, a verified official of Beauvais listed in the directory."""
    other = UserFactory(
        first_name="Claire",
        last_name="Dupont",
        kind=ProfileKind.OFFICIAL,
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    MandateFactory(user=other, territory=oise["beauvais"], status=VerificationStatus.VERIFIED)
    return other


def test_a_member_gets_the_next_page_of_officials_in_place(
    login, resident, public_official, second_official, monkeypatch
):
    monkeypatch.setattr("parvis.officials.views.PAGE_SIZE", 1)
    html = next_page_in_place(login(resident), "/elus/", "official-results")
    assert html.count('class="card"') == 1


def test_a_member_changes_the_officials_filters_in_place(
    login, resident, public_official, second_official
):
    visitor = Client().get("/elus/").content.decode()
    assert 'id="official-filters"' in visitor and "hx-get" not in visitor
    member = login(resident)
    html = found_in_place(
        member, "/elus/?q=Dupont", "official-found", "official-filters", "1 elected official"
    )
    assert "Claire Dupont" in html and public_official.get_full_name() not in html
    assert 'value="Dupont"' in html and ">Clear the filters</a>" in html
    # A value the form cannot read is reported in the block, and ignored.
    html = found_in_place(
        member, "/elus/?role=nimporte", "official-found", "official-filters", "2 elected officials"
    )
    assert 'class="errorlist"' in html
