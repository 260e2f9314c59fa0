"""The elected officials' other pages in place for members (htmx); the page without it."""

import pytest

from parvis.accounts.models import DirectoryVisibility, ProfileKind, VerificationStatus

from ..factories import MandateFactory, UserFactory
from ..in_place import next_page_in_place

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_next_page_of_officials_in_place(
    login, resident, public_official, oise, monkeypatch
):
    monkeypatch.setattr("parvis.officials.views.PAGE_SIZE", 1)
    other = UserFactory(
        first_name="Claire",
        last_name="Dupont",
        kind=ProfileKind.OFFICIAL,
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    MandateFactory(user=other, territory=oise["beauvais"], status=VerificationStatus.VERIFIED)
    html = next_page_in_place(login(resident), "/elus/", "official-results")
    assert html.count('class="card"') == 1
