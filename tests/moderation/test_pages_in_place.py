"""The member's moderation decisions, other pages in place (htmx); the page without it."""

import pytest

from parvis.moderation.models import ModerationCase

from ..agenda.conftest import create_event
from ..in_place import next_page_in_place

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_next_page_of_decisions_in_place(
    login, resident, other_resident, moderator, beauvais, report, decide, monkeypatch
):
    monkeypatch.setattr("parvis.moderation.views.PAGE_SIZE", 1)
    for title in ("Fête des voisins", "Vide-grenier"):
        report(other_resident, create_event(created_by=resident, commune=beauvais, title=title))
    for case in ModerationCase.objects.order_by("pk"):
        decide(case, moderator, "hide", facts="Shop links.")
    html = next_page_in_place(
        login(resident), "/moderation/mes-decisions/", "decision-results", public=False
    )
    assert html.count('href="/moderation/decisions/') == 1 and "My reports" not in html
