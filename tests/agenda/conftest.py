"""Shared fixtures of the agenda tests (several helpers add to this file: keep edits additive)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from parvis.agenda.models import Category, Event, EventStatus
from parvis.agenda.services import event_occurrences_sync

PARIS = ZoneInfo("Europe/Paris")


def create_event(*, created_by, commune, **fields):
    """An event written directly (no workflow, no e-mail), with its occurrences.

    Defaults: published, culture, in ten days at 18:00 Paris time for two hours.
    """
    start = fields.pop(
        "start",
        dt.datetime.combine(
            timezone.localdate() + dt.timedelta(days=10), dt.time(18, 0), tzinfo=PARIS
        ),
    )
    values = {
        "title": "Concert de l'harmonie",
        "description": "Un concert **gratuit** sur le parvis.",
        "category": Category.objects.get(slug="culture"),
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "venue_name": "Salle des fêtes",
        "address": "1 place de l'Hôtel de Ville",
        "status": EventStatus.PUBLISHED,
        **fields,
    }
    if values["status"] == EventStatus.PUBLISHED and "published_at" not in values:
        values["published_at"] = timezone.now()
    event = Event.objects.create(created_by=created_by, commune=commune, **values)
    event_occurrences_sync(event=event)
    return event


@pytest.fixture
def make_event(association_manager, beauvais):
    """``make_event(**fields)``: an event of the association manager in Beauvais by default."""

    def _make(**fields):
        fields.setdefault("created_by", association_manager)
        fields.setdefault("commune", beauvais)
        return create_event(**fields)

    return _make
