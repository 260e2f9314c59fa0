"""Recurrence rules (RFC 5545) and their expansion into occurrences.

Rules are expanded in Europe/Paris wall-clock time: a weekly event at 18:00 stays at 18:00
local time across the daylight-saving changes (last Sundays of March and October), and a
monthly rule on the 31st skips the months without one, as RFC 5545 says.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.conf import settings
from django.utils.translation import gettext as _

#: A rule never yields more occurrences than this, nor dates further than this many days.
MAX_OCCURRENCES = 400
MAX_SPAN_DAYS = 3 * 366

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RecurrenceError(ValueError):
    """The recurrence cannot be built or expanded; the message is for the person."""


def local_zone():
    return ZoneInfo(settings.TIME_ZONE)


def build_rrule(
    *,
    freq,
    interval=1,
    byweekday=(),
    monthly_by="day",
    start=None,
    until=None,
    count=None,
):
    """The RRULE text for a structured choice.

    ``freq``: "WEEKLY", "MONTHLY" or "YEARLY". ``byweekday``: weekday codes for a weekly rule
    (defaults to the start's weekday). ``monthly_by``: "day" (the same date each month) or
    "weekday" (e.g. the 2nd Tuesday, or the last Friday, from ``start``). ``until`` (a date,
    inclusive, local) or ``count`` ends the rule; one of them is required.
    """
    freq = (freq or "").upper()
    if freq not in {"WEEKLY", "MONTHLY", "YEARLY"}:
        raise RecurrenceError(_("Unknown repetition."))
    if not 1 <= int(interval) <= 52:
        raise RecurrenceError(_("The interval must be between 1 and 52."))
    if (until is None) == (count is None):
        raise RecurrenceError(_("Give either an end date or a number of occurrences."))
    parts = [f"FREQ={freq}"]
    if int(interval) > 1:
        parts.append(f"INTERVAL={int(interval)}")
    if freq == "WEEKLY" and byweekday:
        days = [d for d in WEEKDAYS if d in {day.upper() for day in byweekday}]
        if len(days) != len(set(byweekday)):
            raise RecurrenceError(_("Unknown day of the week."))
        parts.append("BYDAY=" + ",".join(days))
    if freq == "MONTHLY" and monthly_by == "weekday":
        if start is None:
            raise RecurrenceError(_("A start date is needed."))
        local = start.astimezone(local_zone())
        nth = (local.day - 1) // 7 + 1
        position = -1 if nth == 5 else nth  # a 5th weekday is "the last" one
        parts.append(f"BYDAY={position}{WEEKDAYS[local.weekday()]}")
    if count is not None:
        if not 1 <= int(count) <= MAX_OCCURRENCES:
            raise RecurrenceError(
                f"The number of occurrences must be between 1 and {MAX_OCCURRENCES}."
            )
        parts.append(f"COUNT={int(count)}")
    else:
        end_of_day = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=local_zone())
        parts.append("UNTIL=" + end_of_day.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
    return ";".join(parts)


def expand(*, start, end, rrule="", exdates=()):
    """The (start, end) pairs of every occurrence, as aware datetimes, in order.

    ``exdates``: ISO dates ("2027-03-28") of the local days to leave out.
    """
    duration = end - start
    if not rrule:
        return [(start, end)]
    zone = local_zone()
    local_start = start.astimezone(zone)
    try:
        rule = rrulestr(rrule, dtstart=local_start)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(_("Invalid recurrence rule: %(error)s") % {"error": exc}) from None
    skipped = {str(day) for day in exdates}
    horizon = local_start + dt.timedelta(days=MAX_SPAN_DAYS)
    occurrences = []
    for occurrence in rule:
        if occurrence > horizon or len(occurrences) >= MAX_OCCURRENCES:
            break
        # Same wall-clock time whatever the UTC offset of that day (DST).
        occurrence = occurrence.replace(tzinfo=zone)
        if occurrence.date().isoformat() in skipped:
            continue
        occurrences.append((occurrence, occurrence + duration))
    return occurrences
