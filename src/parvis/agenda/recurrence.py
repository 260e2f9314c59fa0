"""Recurrence rules (RFC 5545) and their expansion into occurrences.

Rules are expanded in Europe/Paris wall-clock time: a weekly event at 18:00 stays at 18:00
local time across the daylight-saving changes (last Sundays of March and October), and a
monthly rule on the 31st skips the months without one, as RFC 5545 says.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.conf import settings
from django.utils.translation import gettext as _

#: A rule never yields more occurrences than this, nor dates further than this many days.
MAX_OCCURRENCES = 400
MAX_SPAN_DAYS = 3 * 366

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: What a stored rule may say: what the form builds (``build_rrule``), plus DAILY (the same as
#: a weekly rule on every day, which the form offers).
RULE_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
RULE_PARTS = ("FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL")
MAX_INTERVAL = 52
_BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL_FORMATS = ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y%m%d")


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
    if not 1 <= int(interval) <= MAX_INTERVAL:
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
                _("The number of dates must be between 1 and %(max)d.") % {"max": MAX_OCCURRENCES}
            )
        parts.append(f"COUNT={int(count)}")
    else:
        end_of_day = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=local_zone())
        parts.append("UNTIL=" + end_of_day.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
    return ";".join(parts)


def _rule_parts(rrule):
    """``{NAME: VALUE}`` of a rule's text (upper case), or ``RecurrenceError``."""
    text = (rrule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts = {}
    for chunk in text.split(";"):
        name, sep, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name or not value:
            raise RecurrenceError(_("This recurrence rule cannot be read."))
        if name in parts:
            raise RecurrenceError(_("The recurrence rule gives %(part)s twice.") % {"part": name})
        parts[name] = value
    return parts


def _until(value):
    for fmt in _UNTIL_FORMATS:
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return (
            parsed.replace(tzinfo=dt.UTC)
            if fmt.endswith("Z")
            else parsed.replace(tzinfo=local_zone())
        )
    raise RecurrenceError(_("The end date of the repetition cannot be read."))


def rrule_check(rrule, *, start):
    """Refuse (``RecurrenceError``, a message for the person) a rule the agenda does not take.

    The same bounds as the form: repeats daily, weekly, monthly or yearly, every 1 to 52
    periods, on named weekdays, and ends — after 1 to ``MAX_OCCURRENCES`` dates or on a day
    between the start and ``MAX_SPAN_DAYS`` later. ``start``: the event's (aware) start. An
    empty rule (no repetition) passes."""
    if not (rrule or "").strip():
        return
    parts = _rule_parts(rrule)
    unknown = [name for name in parts if name not in RULE_PARTS]
    if unknown:
        raise RecurrenceError(
            _(
                "This repetition is not supported (%(parts)s): use FREQ, INTERVAL, BYDAY, COUNT "
                "and UNTIL."
            )
            % {"parts": ", ".join(sorted(unknown))[:100]}
        )
    freq = parts.get("FREQ")
    if freq not in RULE_FREQS:
        raise RecurrenceError(_("An event repeats daily, weekly, monthly or yearly only."))
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or not 1 <= int(interval) <= MAX_INTERVAL:
        raise RecurrenceError(_("The interval must be between 1 and 52."))
    if ("COUNT" in parts) == ("UNTIL" in parts):
        raise RecurrenceError(_("Give either an end date or a number of occurrences."))
    if "COUNT" in parts:
        count = parts["COUNT"]
        if not count.isdigit() or not 1 <= int(count) <= MAX_OCCURRENCES:
            raise RecurrenceError(
                _("The number of dates must be between 1 and %(max)d.") % {"max": MAX_OCCURRENCES}
            )
    else:
        until = _until(parts["UNTIL"])
        local_start = start.astimezone(local_zone())
        if until.astimezone(local_zone()).date() < local_start.date():
            raise RecurrenceError(_("The last date must not be before the start."))
        if until > start + dt.timedelta(days=MAX_SPAN_DAYS):
            raise RecurrenceError(
                _("The repetition may last %(years)d years at most: give an earlier last date.")
                % {"years": MAX_SPAN_DAYS // 366}
            )
        if not parts["UNTIL"].endswith("Z"):
            raise RecurrenceError(_("Write UNTIL in UTC, e.g. 20270630T215959Z."))
    if "BYDAY" in parts:
        days = parts["BYDAY"].split(",")
        matches = [_BYDAY.match(day.strip()) for day in days]
        if not all(matches) or len(days) > len(WEEKDAYS):
            raise RecurrenceError(_("Unknown day of the week."))
        if freq not in {"WEEKLY", "MONTHLY"} or (
            freq == "WEEKLY" and any(match.group(1) for match in matches)
        ):
            raise RecurrenceError(_("Days of the week go with a weekly or monthly repetition."))
    try:
        rule = ";".join(f"{name}={value}" for name, value in parts.items())
        rrulestr(rule, dtstart=start.astimezone(local_zone()))
    except (ValueError, TypeError):
        raise RecurrenceError(_("This recurrence rule cannot be read.")) from None


def rrule_for_feed(rrule, *, start):
    """A rule safe to publish (iCalendar feeds) for a rule stored before ``rrule_check``
    existed, or written around it: the rule itself when it passes; else, for a known frequency,
    the rule bounded like the expansion (``MAX_OCCURRENCES`` dates, ``MAX_SPAN_DAYS``);
    else "" (the event is published with its first date only)."""
    if not rrule:
        return ""
    try:
        rrule_check(rrule, start=start)
        return rrule
    except RecurrenceError:
        pass
    try:
        parts = _rule_parts(rrule)
        parts = {name: value for name, value in parts.items() if name in RULE_PARTS}
        horizon = start + dt.timedelta(days=MAX_SPAN_DAYS)
        count = parts.get("COUNT", "")
        if count.isdigit() and int(count) > MAX_OCCURRENCES:
            parts["COUNT"] = str(MAX_OCCURRENCES)
        if "UNTIL" in parts:
            try:
                if _until(parts["UNTIL"]) > horizon:
                    parts["UNTIL"] = horizon.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            except RecurrenceError:
                del parts["UNTIL"]
        if "COUNT" in parts and "UNTIL" in parts:
            del parts["UNTIL"]
        if "COUNT" not in parts and "UNTIL" not in parts:
            parts["UNTIL"] = horizon.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        clamped = ";".join(f"{name}={value}" for name, value in parts.items())
        rrule_check(clamped, start=start)
        return clamped
    except RecurrenceError:
        return ""


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
