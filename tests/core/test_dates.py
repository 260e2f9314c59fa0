"""``|date`` (``core.templatetags.dates``, a built-in replacing Django's): Django's output for
every format, language, time zone and kind of value."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

from parvis.core.templatetags.dates import compiled
from parvis.core.templatetags.dates import date as fast_date

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
FORMATS = [
    "c",
    "j F Y, H:i",
    "j F Y",
    "l j F Y",
    "F Y",
    "l j F",
    "l j F Y, H:i",
    "j F",
    "l j F, H:i",
    "j",
    "l",
    "Y-m-d",
    "l H:i",
    "M",
    "H:i",
    "D",
    "d/m/y G\\hi s",
    "b N E w n",
    "\\l\\e j",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    "TIME_FORMAT",
    "P a A S e O T Z U",  # letters Django's filter keeps
    "",
    None,
]
VALUES = [
    dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),  # the night clocks go forward
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),  # and back (an ambiguous local time)
    dt.datetime(2026, 12, 7, 18, 5, 9, 123456, tzinfo=PARIS),
    dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC),
    dt.datetime(905, 5, 3, 9, 7),  # naive, a year of three digits
    dt.date(2026, 2, 1),
    dt.date(2026, 7, 14),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("format_string", FORMATS)
def test_the_filter_gives_django_s_text(language, format_string):
    with translation.override(language), timezone.override(PARIS):
        for value in VALUES:
            local = timezone.template_localtime(value)
            try:
                expected = django_date(local, format_string)
            except TypeError as error:  # a time letter for a date
                with pytest.raises(TypeError, match=str(error)[:30]):
                    fast_date(local, format_string)
                continue
            assert fast_date(local, format_string) == expected, (value, format_string)


def test_common_formats_are_written_directly(monkeypatch):
    from parvis.core.templatetags import dates

    monkeypatch.setattr(dates, "django_date", None)  # not called
    value = dt.datetime(2026, 12, 7, 18, 5, tzinfo=PARIS)
    with translation.override("fr"), timezone.override(PARIS):
        html = Template('{{ when|date:"j F Y, H:i" }} {{ when|date:"c" }}').render(
            Context({"when": value})
        )
    assert html == "7 décembre 2026, 18:05 2026-12-07T18:05:00+01:00"
    assert compiled("j F Y, H:i") is not None
    assert compiled("c") is not None
    assert compiled("N j, Y, P") is None  # "P": Django's filter


@pytest.mark.parametrize("value", [None, "", "2026-12-07", 12, dt.time(10, 5)])
def test_other_values_go_to_django_s_filter(value):
    assert fast_date(value, "j F Y") == django_date(value, "j F Y")


def test_templates_use_it_in_the_local_time():
    value = dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)
    template = Template(
        '<time datetime="{{ when|date:\'c\' }}">{{ when|date:"l j F Y, H:i" }}</time>'
    )
    with translation.override("fr"), timezone.override(PARIS):
        html = template.render(Context({"when": value}))
    assert html == '<time datetime="2026-12-08T00:30:00+01:00">mardi 8 décembre 2026, 00:30</time>'
