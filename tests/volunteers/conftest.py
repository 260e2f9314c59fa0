"""Fixtures of the calls for volunteers tests: an association's call with two slots."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.volunteers.models import Call, Skill, Slot


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def skills(db):
    first, _ = Skill.objects.get_or_create(slug="accueil", defaults={"name": "Accueil du public"})
    second, _ = Skill.objects.get_or_create(slug="conduite", defaults={"name": "Conduite"})
    return [first, second]


def tomorrow_at(hour):
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def call(association, association_manager, beauvais):
    call = Call.objects.create(
        title="Bénévoles pour la fête des associations",
        description="Accueillir les visiteurs et tenir la buvette toute la journée.",
        commune=beauvais,
        organisation=association,
        created_by=association_manager,
    )
    Slot.objects.create(call=call, label="Accueil, matin", starts_at=tomorrow_at(9), places=2)
    Slot.objects.create(call=call, label="Buvette", places=1, position=1)
    return call
