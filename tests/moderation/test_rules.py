"""The moderation permissions, for every persona."""

import pytest
from django.contrib.auth.models import AnonymousUser

from parvis.agenda.models import EventStatus

from ..agenda.conftest import create_event


@pytest.mark.parametrize(
    ("persona", "report", "decide"),
    [
        ("visitor", False, False),
        ("resident", False, False),  # the event's author
        ("other_resident", True, False),
        ("association_manager", True, False),
        ("official", True, False),
        ("moderator", True, True),
    ],
)
def test_who_may_report_and_decide(request, event, persona, report, decide):
    user = AnonymousUser() if persona == "visitor" else request.getfixturevalue(persona)
    assert user.has_perm("moderation.report_item", event) is report
    assert user.has_perm("moderation.decide_case") is decide
    assert user.has_perm("moderation.decide_appeal") is decide


def test_an_item_nobody_may_see_cannot_be_reported(resident, other_resident, beauvais):
    draft = create_event(created_by=resident, commune=beauvais, status=EventStatus.DRAFT)
    assert not other_resident.has_perm("moderation.report_item", draft)


def test_unregistered_items_cannot_be_reported(other_resident, oise):
    assert not other_resident.has_perm("moderation.report_item", oise["beauvais"])
