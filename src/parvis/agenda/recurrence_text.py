"""A recurrence rule in words, in the reader's language: "every Tuesday, 8 times, until
26 January" ("chaque mardi, 8 fois, jusqu'au 26 janvier").

Covers the rules the event form builds (``recurrence.build_rrule``: weekly on days, monthly
on a date or on the n-th weekday, yearly, with an interval, a count or an end date) and daily
rules; anything else falls back to the rule itself, never to an error.
"""

import datetime as dt

from dateutil.rrule import rrulestr
from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .recurrence import MAX_OCCURRENCES, MAX_SPAN_DAYS, local_zone
from .recurrence import WEEKDAYS as CODES

ORDINALS = {
    1: lambda: _("first"),
    2: lambda: _("second"),
    3: lambda: _("third"),
    4: lambda: _("fourth"),
    -1: lambda: _("last"),
}


def _parts(rrule):
    parts = {}
    for chunk in rrule.strip().removeprefix("RRULE:").split(";"):
        key, sep, value = chunk.partition("=")
        if sep:
            parts[key.strip().upper()] = value.strip().upper()
    return parts


def _day_name(code):
    return str(WEEKDAYS[CODES.index(code)])


def _days(byday):
    """``TU,TH`` -> "Tuesday and Thursday"; ``2TU`` -> ("second", "Tuesday")."""
    names, nth = [], None
    for item in byday.split(","):
        code = item[-2:]
        if code not in CODES:
            raise ValueError(item)
        prefix = item[:-2]
        if prefix:
            nth = (int(prefix), _day_name(code))
        names.append(_day_name(code))
    return get_text_list(names, _("and")), nth


def _date(value, start):
    fmt = "j F" if value.year == start.year else "j F Y"
    return formats.date_format(value, fmt)


def _frequency(parts, start):
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1") or 1)
    if freq == "DAILY":
        return ngettext("every day", "every %(interval)d days", interval) % {"interval": interval}
    if freq == "WEEKLY":
        days = _days(parts["BYDAY"])[0] if parts.get("BYDAY") else _day_name(CODES[start.weekday()])
        if interval == 1:
            return _("every %(days)s") % {"days": days}
        if interval == 2:
            return _("every other week on %(days)s") % {"days": days}
        return _("every %(interval)d weeks on %(days)s") % {"interval": interval, "days": days}
    if freq == "MONTHLY":
        every = ngettext("every month", "every %(interval)d months", interval) % {
            "interval": interval
        }
        if parts.get("BYDAY"):
            nth = _days(parts["BYDAY"])[1]
            if nth and nth[0] in ORDINALS:
                return _("%(every)s on the %(ordinal)s %(day)s") % {
                    "every": every, "ordinal": ORDINALS[nth[0]](), "day": nth[1]
                }  # fmt: skip
            raise ValueError(parts["BYDAY"])
        day = int(parts.get("BYMONTHDAY", start.day))
        return _("%(every)s on the %(day)d") % {"every": every, "day": day}
    if freq == "YEARLY":
        every = ngettext("every year", "every %(interval)d years", interval) % {
            "interval": interval
        }
        return _("%(every)s on %(date)s") % {
            "every": every, "date": formats.date_format(start, "j F")
        }  # fmt: skip
    raise ValueError(freq)


def _last_date(rrule, start):
    """The rule's last date, read as ``recurrence.expand`` reads it (bounded the same way)."""
    horizon = start + dt.timedelta(days=MAX_SPAN_DAYS)
    last = None
    for index, value in enumerate(rrulestr(rrule, dtstart=start)):
        if index >= MAX_OCCURRENCES or value > horizon:
            break
        last = value
    return last.date() if last else None


def describe(*, rrule: str, start: dt.datetime, exdates=()) -> str:
    """The rule in words, or "" for an event that does not repeat."""
    if not (rrule or "").strip():
        return ""
    local_start = (
        start.astimezone(local_zone()) if start.tzinfo else start.replace(tzinfo=local_zone())
    )
    parts = _parts(rrule)
    try:
        words = [_frequency(parts, local_start)]
        if parts.get("COUNT"):
            count = int(parts["COUNT"])
            words.append(ngettext("%(count)d time", "%(count)d times", count) % {"count": count})
        last = _last_date(rrule.strip().removeprefix("RRULE:"), local_start)
    except (ValueError, KeyError, TypeError):
        return rrule
    if last is not None:
        words.append(_("until %(date)s") % {"date": _date(last, local_start)})
    dates = []
    for value in exdates or ():
        try:
            dates.append(_date(dt.date.fromisoformat(str(value)), local_start))
        except ValueError:
            continue
    if dates:
        words.append(_("except %(dates)s") % {"dates": get_text_list(dates, _("and"))})
    return ", ".join(words)
