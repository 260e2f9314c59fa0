"""Fixtures of the demo tests."""

import pytest
from django.contrib.auth.models import Group

from ..factories import UserFactory


@pytest.fixture
def second_moderator(oise):
    """A second staff moderator (the first is ``moderator``), in Compiègne."""
    user = UserFactory(
        email="moderation2@example.org",
        first_name="Claire",
        last_name="Vasseur",
        commune=oise["compiegne"],
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="Modérateurs"))
    return user
