"""RSVPs racing for the last places: the occurrence row lock keeps the capacity (PostgreSQL).

A transactional test commits for real, and the database is flushed after it: the module puts
back the categories that a data migration seeds, so the tests that run after still find them.
"""

import importlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from parvis.agenda.models import EventOccurrence, Rsvp
from parvis.agenda.services import rsvp_create
from tests.factories import UserFactory

from .conftest import create_event


@pytest.fixture(scope="module", autouse=True)
def _categories_back_after_flush(django_db_setup, django_db_blocker):
    yield
    seed = importlib.import_module("parvis.agenda.migrations.0002_categories")
    from django.apps import apps

    with django_db_blocker.unblock():
        seed.create_categories(apps, None)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_rsvps_never_exceed_capacity(oise, association_manager):
    from parvis.agenda.models import Category

    Category.objects.get_or_create(slug="culture", defaults={"name": "Culture"})
    event = create_event(created_by=association_manager, commune=oise["beauvais"], capacity=3)
    occurrence = event.occurrences.get()
    members = [UserFactory(commune=oise["beauvais"]) for _ in range(8)]
    barrier = threading.Barrier(len(members))
    outcomes = []

    def take_part(member):
        try:
            barrier.wait(timeout=10)
            rsvp_create(occurrence=EventOccurrence.objects.get(pk=occurrence.pk), user=member)
            outcomes.append("going")
        except ValidationError as error:
            outcomes.append(error.error_list[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_part, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["full"] * 5 + ["going"] * 3
    assert Rsvp.objects.filter(occurrence=occurrence).count() == 3
    assert EventOccurrence.objects.get(pk=occurrence.pk).rsvp_count == 3
