"""A recurrence rule in words, in French and in English (the moderators' event page)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from parvis.agenda.recurrence_text import describe

TUESDAY = dt.datetime(2026, 12, 1, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.mark.parametrize(
    ("rule", "exdates", "french", "english"),
    [
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=8", [], "chaque mardi, 8 fois, jusqu’au 19 janvier 2027",
         "every Tuesday, 8 times, until 19 January 2027"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20261231T230000Z", ["2026-12-15"],
         "une semaine sur deux le mardi et jeudi, jusqu’au 31 décembre, sauf le 15 décembre",
         "every other week on Tuesday and Thursday, until 31 December, except 15 December"),
        ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=1", [], "chaque mois le dernier vendredi, 1 fois, "
         "jusqu’au 25 décembre", "every month on the last Friday, 1 time, until 25 December"),
        ("FREQ=YEARLY;COUNT=2", [], "chaque année le 1 décembre, 2 fois, jusqu’au 1 décembre 2027",
         "every year on 1 December, 2 times, until 1 December 2027"),
    ],
)  # fmt: skip
def test_rules_in_words(rule, exdates, french, english):
    with translation.override("fr"):
        assert describe(rrule=rule, start=TUESDAY, exdates=exdates) == french
    with translation.override("en"):
        assert describe(rrule=rule, start=TUESDAY, exdates=exdates) == english


def test_no_rule_and_a_rule_it_cannot_read():
    assert describe(rrule="", start=TUESDAY) == ""
    assert describe(rrule="FREQ=SECONDLY", start=TUESDAY) == "FREQ=SECONDLY"
