"""Agenda for people: period chips, rolling webcal subscriptions, next events for an empty
period."""

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_agenda_offers_period_chips_and_a_rolling_webcal_subscription(client, oise):
    today = timezone.localdate()
    day = {"from": today.isoformat(), "to": today.isoformat()}
    text = client.get("/agenda/", day).content.decode()
    for label in ("Ce week-end", "Cette semaine", "Ce mois-ci"):
        assert label in text, label
    assert 'href="webcal://testserver/agenda/flux.ics"' in text, "no from/to in the feed"
    assert 'aria-current="page">Aujourd' in text


def test_an_empty_period_offers_the_next_events(client, make_event):
    make_event(title="Bal de printemps", start=timezone.now() + dt.timedelta(days=40))
    today = timezone.localdate()
    day = {"from": today.isoformat(), "to": today.isoformat()}
    text = client.get("/agenda/", day).content.decode()
    assert "Aucun événement sur cette période" in text
    assert "Bal de printemps" in text
