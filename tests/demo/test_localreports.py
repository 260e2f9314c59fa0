"""The demo's local reports: received, in progress and resolved ones routed to the institution
in charge, with their public steps; loading again changes nothing."""

from io import StringIO

from django.core.management import call_command

from parvis.localreports.models import Report, ReportStatus


def rows():
    return sorted(Report.objects.values_list("pk", "address", "status", "support_count"))


def test_demo_reports_show_each_step(oise):
    call_command("load_demo", stdout=StringIO())
    reports = list(Report.objects.prefetch_related("updates", "supports"))
    assert {r.status for r in reports} >= {
        ReportStatus.RECEIVED,
        ReportStatus.IN_PROGRESS,
        ReportStatus.RESOLVED,
    }
    for report in reports:
        assert report.support_count == len(report.supports.all())
        if report.status != ReportStatus.RECEIVED:
            assert report.updates.all()[len(report.updates.all()) - 1].status == report.status
    before = rows()
    call_command("load_demo", stdout=StringIO())
    assert rows() == before
