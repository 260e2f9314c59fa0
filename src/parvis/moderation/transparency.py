"""The figures of the DSA transparency report for a period (Regulation (EU) 2022/2065,
Articles 15 and 24, for a hosting service): notices by category, the action taken, the
automated means used, the median handling time, complaints (appeals) and their outcome,
suspensions, and the average number of active members.

``transparency_figures(start, end)`` reads them with a handful of aggregate queries;
``rows(figures)`` flattens them for the CSV and the printable page.
"""

import datetime as dt
import statistics
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Appeal,
    AppealStatus,
    AuditEntry,
    Decision,
    DecisionAction,
    Ground,
    Report,
    ReportReason,
    Sanction,
    SanctionKind,
)


@dataclass
class Period:
    start: dt.date  # first day, included
    end: dt.date  # last day, included

    def bounds(self):
        zone = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=zone),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
        )


def _by(queryset, field, choices):
    counts = dict(queryset.values_list(field).annotate(n=Count("pk")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in choices]


def _median_hours(deltas):
    values = [delta.total_seconds() / 3600 for delta in deltas if delta is not None]
    return round(statistics.median(values), 1) if values else None


def transparency_figures(period: Period) -> dict:
    since, until = period.bounds()
    reports = Report.objects.filter(created_at__gte=since, created_at__lt=until)
    decisions = Decision.objects.filter(created_at__gte=since, created_at__lt=until)
    appeals = Appeal.objects.filter(created_at__gte=since, created_at__lt=until)
    decided_appeals = Appeal.objects.filter(decided_at__gte=since, decided_at__lt=until)
    sanctions = Sanction.objects.filter(created_at__gte=since, created_at__lt=until)
    handled = Report.objects.filter(outcome_sent_at__gte=since, outcome_sent_at__lt=until)
    handling = [
        sent - created for created, sent in handled.values_list("created_at", "outcome_sent_at")
    ]
    appeal_times = [
        decided - created
        for created, decided in decided_appeals.values_list("created_at", "decided_at")
    ]
    User = get_user_model()
    return {
        "period": period,
        "notices_total": reports.count(),
        "notices_by_category": _by(reports, "reason", ReportReason.choices),
        "notices_handled": len(handling),
        "median_handling_hours": _median_hours(handling),
        "decisions_total": decisions.count(),
        "decisions_by_action": _by(decisions, "action", DecisionAction.choices),
        "decisions_by_ground": _by(decisions, "ground", Ground.choices),
        "automated_hidings": AuditEntry.objects.filter(
            action="moderation.auto_hide", created_at__gte=since, created_at__lt=until
        ).count(),
        "appeals_received": appeals.count(),
        "appeals_decided": len(appeal_times),
        "appeals_by_outcome": _by(
            decided_appeals,
            "status",
            [
                (AppealStatus.UPHELD, AppealStatus.UPHELD.label),
                (AppealStatus.REVERSED, AppealStatus.REVERSED.label),
            ],
        ),  # fmt: skip
        "median_appeal_hours": _median_hours(appeal_times),
        "sanctions_by_kind": _by(sanctions, "kind", SanctionKind.choices),
        "sanctions_lifted": Sanction.objects.filter(
            lifted_at__gte=since, lifted_at__lt=until
        ).count(),
        "active_members": User.objects.filter(
            is_active=True, last_login__gte=since, last_login__lt=until
        ).count(),
    }


def rows(figures) -> list[tuple[str, str, str]]:
    """(section, indicator, value) lines, in the reader's language."""
    hours = _("%(hours)s hours")
    out = [
        (_("Notices (art. 15.1.b, art. 16)"), _("notices received"), figures["notices_total"]),
    ]
    for _value, label, count in figures["notices_by_category"]:
        out.append((_("Notices (art. 15.1.b, art. 16)"), str(label), count))
    out += [
        (_("Notices (art. 15.1.b, art. 16)"), _("notices handled"), figures["notices_handled"]),
        (
            _("Notices (art. 15.1.b, art. 16)"),
            _("median handling time"),
            hours % {"hours": figures["median_handling_hours"]}
            if figures["median_handling_hours"] is not None
            else "—",
        ),
        (_("Actions taken (art. 15.1.c)"), _("decisions"), figures["decisions_total"]),
    ]
    for _value, label, count in figures["decisions_by_action"]:
        out.append((_("Actions taken (art. 15.1.c)"), str(label), count))
    for _value, label, count in figures["decisions_by_ground"]:
        out.append((_("Grounds of the decisions (art. 15.1.c)"), str(label), count))
    out += [
        (
            _("Automated means (art. 15.1.e)"),
            _("items hidden automatically until review (reports' threshold)"),
            figures["automated_hidings"],
        ),
        (
            _("Automated means (art. 15.1.e)"),
            _("decisions taken by automated means"),
            0,
        ),
        (
            _("Complaints (art. 15.1.d, art. 20)"),
            _("appeals received"),
            figures["appeals_received"],
        ),
        (_("Complaints (art. 15.1.d, art. 20)"), _("appeals decided"), figures["appeals_decided"]),
    ]
    for _value, label, count in figures["appeals_by_outcome"]:
        out.append((_("Complaints (art. 15.1.d, art. 20)"), str(label), count))
    out.append(
        (
            _("Complaints (art. 15.1.d, art. 20)"),
            _("median time to decide an appeal"),
            hours % {"hours": figures["median_appeal_hours"]}
            if figures["median_appeal_hours"] is not None
            else "—",
        )
    )
    for _value, label, count in figures["sanctions_by_kind"]:
        out.append((_("Suspensions (art. 23, art. 24.1.b)"), str(label), count))
    out += [
        (
            _("Suspensions (art. 23, art. 24.1.b)"),
            _("sanctions lifted"),
            figures["sanctions_lifted"],
        ),
        (
            _("Members (art. 24.2)"),
            _("members who logged in during the period"),
            figures["active_members"],
        ),
        (
            _("Out-of-court disputes (art. 24.1.a)"),
            _("disputes submitted to a certified body"),
            _("not recorded"),
        ),
    ]
    return out
