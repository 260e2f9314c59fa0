import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from parvis.agenda.recurrence import RecurrenceError, build_rrule, expand

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def test_weekly_event_keeps_its_local_time_across_the_march_dst_change():
    start = paris(2027, 3, 18, 18, 0)
    rule = build_rrule(freq="WEEKLY", count=3)
    dates = expand(start=start, end=start + dt.timedelta(hours=2), rrule=rule)
    assert [s.astimezone(PARIS).hour for s, _ in dates] == [18, 18, 18]
    assert [s.utcoffset() for s, _ in dates] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
    ]


def test_weekly_event_keeps_its_local_time_across_the_october_dst_change():
    start = paris(2027, 10, 24, 10, 30)  # the Sunday before the last Sunday of October
    dates = expand(start=start, end=start, rrule=build_rrule(freq="WEEKLY", count=2))
    assert [(s.day, s.hour, s.minute) for s, _ in dates] == [(24, 10, 30), (31, 10, 30)]
    assert dates[1][0].utcoffset() == dt.timedelta(hours=1)


def test_monthly_by_date_skips_months_without_that_day():
    start = paris(2027, 1, 31, 20, 0)
    dates = expand(start=start, end=start, rrule=build_rrule(freq="MONTHLY", count=4))
    assert [s.month for s, _ in dates] == [1, 3, 5, 7]


def test_monthly_by_weekday_means_the_nth_weekday_of_the_month():
    start = paris(2027, 1, 12, 14, 0)  # the 2nd Tuesday of January 2027
    rule = build_rrule(freq="MONTHLY", monthly_by="weekday", start=start, count=3)
    assert "BYDAY=2TU" in rule
    dates = expand(start=start, end=start, rrule=rule)
    assert [s.date() for s, _ in dates] == [
        dt.date(2027, 1, 12),
        dt.date(2027, 2, 9),
        dt.date(2027, 3, 9),
    ]


def test_every_two_weeks_on_chosen_days_until_a_date_with_an_exception():
    start = paris(2027, 5, 3, 9, 0)  # a Monday
    rule = build_rrule(
        freq="WEEKLY", interval=2, byweekday=["MO", "TH"], until=dt.date(2027, 5, 31)
    )
    dates = expand(start=start, end=start, rrule=rule, exdates=["2027-05-06"])
    assert [s.date().isoformat() for s, _ in dates] == [
        "2027-05-03",
        "2027-05-17",
        "2027-05-20",
        "2027-05-31",
    ]


def test_yearly_rule_and_single_event():
    start = paris(2027, 7, 14, 22, 0)
    assert len(expand(start=start, end=start, rrule=build_rrule(freq="YEARLY", count=3))) == 3
    assert expand(start=start, end=start) == [(start, start)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"freq": "DAILYISH", "count": 2},
        {"freq": "WEEKLY"},
        {"freq": "WEEKLY", "count": 2, "until": dt.date(2027, 1, 1)},
        {"freq": "WEEKLY", "count": 100000},
        {"freq": "WEEKLY", "count": 2, "byweekday": ["XX"]},
        {"freq": "WEEKLY", "count": 2, "interval": 0},
    ],
)
def test_invalid_recurrence_choices_are_refused(kwargs):
    with pytest.raises(RecurrenceError):
        build_rrule(**kwargs)


def test_garbage_rule_is_refused():
    start = paris(2027, 1, 1, 10, 0)
    with pytest.raises(RecurrenceError):
        expand(start=start, end=start, rrule="FREQ=SOMETIMES")
