"""Shared fixtures of the comments tests: an event, a news post and a group discussion."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.groups.models import Visibility
from parvis.groups.services import message_post, thread_create
from tests.agenda.conftest import create_event
from tests.groups.conftest import add_member, create_group
from tests.news.conftest import create_post


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English msgids, whatever the French catalogue holds."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def seasoned(resident, other_resident):
    """The residents joined long ago: the new accounts' allowances do not apply."""
    long_ago = timezone.now() - dt.timedelta(days=60)
    for user in (resident, other_resident):
        user.date_joined = long_ago
        user.save(update_fields=["date_joined"])
    return resident, other_resident


@pytest.fixture
def event(association_manager, beauvais):
    return create_event(created_by=association_manager, commune=beauvais)


@pytest.fixture
def post(official):
    return create_post(author=official, title="Fermeture de la piscine")


@pytest.fixture
def thread(resident, other_resident):
    group = create_group(resident, name="Vélo à Beauvais", visibility=Visibility.PUBLIC)
    add_member(group, other_resident)
    thread = thread_create(group=group, author=resident, title="Pistes cyclables", body="Où ?")
    message_post(thread=thread, author=other_resident, body="Rue de Calais.")
    return thread
