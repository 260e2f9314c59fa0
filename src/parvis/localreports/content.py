"""What the platform knows about local reports (see ``parvis.core.content``): how a report is
reported to moderation and removed, the section it fills on a commune's page, the notification
kinds, what a member's data export and erasure do, and which cached pages show it."""

from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.moderation import backoffice
from parvis.moderation import registry as moderation
from parvis.moderation.audit import action_labels_register
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import STAFF_WORK
from parvis.privacy.registry import CUSTOM, KEEP, SET_NULL
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import SECTION_LIMIT, PortalSection, portal_sections

from . import (
    notifications,  # noqa: F401  (the notification kinds)
    search_provider,  # noqa: F401  (the search box)
    services,
)
from .models import OPEN_STATUSES, Photo, Report, Support, Update
from .selectors import report_is_visible_to, reports_visible_to

# --- moderation ----------------------------------------------------------------------------------
moderation.register(
    Report,
    label=_("local report"),
    author=lambda report: report.author,
    author_field="author",
    is_visible_to=report_is_visible_to,
    template="localreports/moderation/_report.html",
    delete=lambda report, decision: services.report_remove(
        report=report, moderator=getattr(decision, "moderator", None)
    ),
    select_related=("author", "category", "commune"),
)


# --- pages ---------------------------------------------------------------------------------------


def portal_reports(territory, user):
    """A commune's page: how many reports are open, and the latest ones."""
    if territory.kind != TerritoryKind.COMMUNE:
        return None
    open_reports = reports_visible_to(user).filter(commune=territory, status__in=OPEN_STATUSES)
    latest = list(open_reports.prefetch_related("photos").order_by("-created_at")[:SECTION_LIMIT])
    return {
        "reports": latest,
        "open_count": open_reports.count() if len(latest) == SECTION_LIMIT else len(latest),
        "see_all_url": f"{reverse('localreports:index')}?" + urlencode({"commune": territory.code}),
    }


portal_sections.register(
    PortalSection(
        key="localreports",
        title=_("Local reports"),
        template="localreports/_portal_section.html",
        context=portal_reports,
        tags=lambda territory: ["localreports.report"],
        order=47,  # after the questions to the officials (territories.portal.ORDER)
        see_all_label=_("See all the reports"),
    )
)


# --- personal data -------------------------------------------------------------------------------


def _supports(context):
    supports = Support.objects.filter(member=context.member)
    report_ids = list(supports.values_list("report_id", flat=True))
    context.count("localreports.Support.member", supports.delete()[0])
    Report.objects.filter(pk__in=report_ids, support_count__gt=0).update(
        support_count=F("support_count") - 1
    )


privacy.export(
    "localreports.Report.author",
    section="local_reports",
    fields=(
        ("category", lambda row: row.category.name),
        ("commune", lambda row: row.commune.name),
        "description",
        "address",
        "latitude",
        "longitude",
        "status",
        "created_at",
        ("url", lambda row: row.get_absolute_url()),
    ),
    queryset=lambda member: Report.objects.filter(author=member).select_related(
        "category", "commune"
    ),
)
# A report is about public space: it stays (the institution is still on it), without its author.
privacy.erase("localreports.Report.author", action=SET_NULL)
privacy.not_exported("localreports.Report.deleted_by", reason=STAFF_WORK)
privacy.erase("localreports.Report.deleted_by", action=KEEP, reason=STAFF_WORK)
privacy.export(
    "localreports.Update.author",
    section="local_report_steps",
    fields=("report", "status", "body", "created_at"),
)
privacy.erase(
    "localreports.Update.author",
    action=KEEP,
    reason="An institution's agent's public step on a report: kept, by a former member.",
)
privacy.export(
    "localreports.Support.member",
    section="local_reports_supported",
    fields=("report", "created_at"),
)
privacy.erase("localreports.Support.member", action=CUSTOM, handler=_supports)


@privacy.plan_step(order=privacy.CONTRIBUTIONS)
def _plan_reports(plan):
    plan.counts["local_reports"] = Report.objects.filter(author=plan.member).count()


# --- page cache ----------------------------------------------------------------------------------
pagecache.declare(Report, scopes={"commune": "commune"})
pagecache.declare(Photo, scopes={"report": "report"})
pagecache.declare(Update, scopes={"report": "report"})
pagecache.declare(Support, silent=True)


# --- the back office: the reports no institution handles (the moderators' own) -------------
backoffice.register(
    backoffice.Queue(
        key="localreports",
        label=_("Local reports without an institution on Parvis"),
        queryset=lambda: Report.objects.filter(
            institution__isnull=True, status__in=OPEN_STATUSES, deleted_at__isnull=True
        ),
        since="created_at",
        admin_model="localreports.report",
        permission="localreports.change_report",
        order=60,
        decisions=("localreports.report_triage",),
        query_string="institution__isempty=1",
    )
)
action_labels_register({"localreports.report_triage": _("local report handled by a moderator")})
