"""The statistics page's charts, read from the latest snapshot (one query) and shaped for
the template: each chart has a title, its columns and rows (the data table, also the CSV)
and its bars (the inline SVG)."""

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _

from .models import StatSnapshot

TOP_COMMUNES = 20
BAR_WIDTH = 360  # the SVG's bar area, in px
ROW_HEIGHT = 26


def latest_snapshot():
    return StatSnapshot.objects.order_by("-day").first()


def _month_label(key):
    return formats.date_format(dt.date.fromisoformat(key + "-01"), "F Y")


def _week_label(key):
    return _("week of %(date)s") % {"date": formats.date_format(dt.date.fromisoformat(key), "j M")}


def _chart(key, title, columns, rows):
    biggest = max((row[1] for row in rows), default=0) or 1
    bars = [
        {
            "label": row[0],
            "value": row[1],
            "width": round(BAR_WIDTH * row[1] / biggest),
            "y": index * ROW_HEIGHT,
        }
        for index, row in enumerate(rows)
    ]
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "rows": rows,
        "bars": bars,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "bar_width": BAR_WIDTH,
    }


def _communes(table, arrondissement):
    if arrondissement:
        table = [row for row in table if row[2] == arrondissement]
    return [[name, count] for _pk, name, _arr, count in table[:TOP_COMMUNES]]


def charts(snapshot, *, months=12, arrondissement=None):
    data = snapshot.data
    weeks_shown = min(len(data.get("weeks", [])), max(4, months * 4 // 3))
    weeks = data.get("weeks", [])[-weeks_shown:]
    contributions = data.get("contributions_by_week", {})
    moderation = data.get("moderation_by_week", {})

    def last(series):
        return series[-weeks_shown:] if weeks_shown else []

    contribution_rows = [
        [_week_label(week), e + m + p + r, e, m, p, r]
        for week, e, m, p, r in zip(
            weeks,
            last(contributions.get("events", [])),
            last(contributions.get("messages", [])),
            last(contributions.get("posts", [])),
            last(contributions.get("responses", [])),
            strict=False,
        )
    ]
    moderation_rows = [
        [_week_label(week), reports, decisions]
        for week, reports, decisions in zip(
            weeks, last(moderation.get("reports", [])), last(moderation.get("decisions", [])),
            strict=False,
        )
    ]  # fmt: skip
    return [
        _chart(
            "signups",
            _("Sign-ups per month"),
            [_("month"), _("sign-ups")],
            [[_month_label(key), n] for key, n in data.get("signups_by_month", [])[-months:]],
        ),
        _chart(
            "active",
            _("Active members per commune (logged in within 30 days)"),
            [_("commune"), _("active members")],
            _communes(data.get("active_by_commune", []), arrondissement),
        ),
        _chart(
            "contributions",
            _("Contributions per week"),
            [
                _("week"),
                _("total"),
                _("events"),
                _("group messages"),
                _("news posts"),
                _("consultation answers"),
            ],
            contribution_rows,
        ),  # fmt: skip
        _chart(
            "events",
            _("Published events per commune"),
            [_("commune"), _("events")],
            _communes(data.get("events_by_commune", []), arrondissement),
        ),
        _chart(
            "participation",
            _("Consultation answers per commune"),
            [_("commune"), _("answers")],
            _communes(data.get("participation_by_commune", []), arrondissement),
        ),
        _chart(
            "moderation",
            _("Reports and decisions per week"),
            [_("week"), _("reports"), _("decisions")],
            moderation_rows,
        ),
    ]
