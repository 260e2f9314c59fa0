"""``|date`` without the detour: the same filter, same output, for the formats pages use.

A built-in library (``TEMPLATES["OPTIONS"]["builtins"]``, after Django's own): it replaces
Django's ``|date`` in every template. Django's filter finds the format (``get_format``), builds
a ``DateFormat`` (which works out whether the local time is ambiguous, for the time-zone
letters), splits the format with a regular expression and calls one method per letter, for
each date: some 50 µs, twice per message of a discussion (``<time datetime="{{ …|date:'c' }}">
{{ …|date:"j F Y, H:i" }}``), on every date of the agenda.

Here a format is split once (remembered per format) into its literal text and the letters'
functions, each written as Django's ``DateFormat`` method it replaces (the names of days and
months are the same lazy translations, ``django.utils.dates``). A format holding a letter not
listed here (time zones, "a.m.", ordinal suffixes…), a value that is neither a ``date`` nor a
``datetime``, or a time letter asked of a ``date`` go to Django's filter, unchanged.
``tests/core/test_dates.py`` compares both over formats, languages and dates.
"""

from datetime import date as date_type
from datetime import datetime
from functools import lru_cache

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT, MONTHS_AP, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import FORMAT_SETTINGS, get_format

register = template.Library()

#: Each letter's text, as ``django.utils.dateformat.DateFormat``'s method of that name.
LETTERS = {
    "c": lambda value: value.isoformat(),
    "d": lambda value: f"{value.day:02d}",
    "j": lambda value: str(value.day),
    "D": lambda value: str(WEEKDAYS_ABBR[value.weekday()]),
    "l": lambda value: str(WEEKDAYS[value.weekday()]),
    "w": lambda value: str((value.weekday() + 1) % 7),
    "F": lambda value: str(MONTHS[value.month]),
    "M": lambda value: MONTHS_3[value.month].title(),
    "b": lambda value: str(MONTHS_3[value.month]),
    "N": lambda value: str(MONTHS_AP[value.month]),
    "E": lambda value: str(MONTHS_ALT[value.month]),
    "m": lambda value: f"{value.month:02d}",
    "n": lambda value: str(value.month),
    "Y": lambda value: f"{value.year:04d}",
    "y": lambda value: f"{value.year % 100:02d}",
    "H": lambda value: f"{value.hour:02d}",
    "G": lambda value: str(value.hour),
    "i": lambda value: f"{value.minute:02d}",
    "s": lambda value: f"{value.second:02d}",
}
#: Letters that ``DateFormat`` refuses for a ``date`` (``TimeFormat``'s).
TIME_LETTERS = frozenset("HGis")


@lru_cache(maxsize=512)
def compiled(format_string):
    """``(pieces, has_time_letters)``: the literal texts and the letters' functions of
    ``format_string`` in order, split as ``DateFormat.format`` splits it; ``None`` when a
    letter is not in ``LETTERS``."""
    pieces, has_time = [], False
    for index, piece in enumerate(re_formatchars.split(format_string)):
        if index % 2:
            letter = LETTERS.get(piece)
            if letter is None:
                return None
            pieces.append(letter)
            has_time = has_time or piece in TIME_LETTERS
        elif piece:
            pieces.append(re_escaped.sub(r"\1", piece))
    return tuple(pieces), has_time


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's ``|date`` (see its documentation), its common formats written directly."""
    kind = type(value)
    if (kind is datetime or kind is date_type) and (arg is None or isinstance(arg, str)):
        # A format's name is looked up in the active language (cached by Django).
        format_string = (
            get_format(arg or "DATE_FORMAT") if not arg or arg in FORMAT_SETTINGS else arg
        )
        found = compiled(str(format_string)) if isinstance(format_string, str) else None
        if found is not None and not (found[1] and kind is date_type):
            return "".join(piece if type(piece) is str else piece(value) for piece in found[0])
    return django_date(value, arg)
