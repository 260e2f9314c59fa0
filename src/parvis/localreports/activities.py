"""What the local reports tell, and to whom: activities recorded by ``services`` in their
transaction, told by a notifications worker after the commit. The reporter is never named to
the supporters ("a resident of <commune>")."""

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import translation

from parvis.accounts.models import User
from parvis.core.emails import absolute_url
from parvis.notifications.activities import activity_record
from parvis.organisations.models import OrganisationMembership

from .models import ReportStatus
from .selectors import interested_in


def _context(report, **extra):
    with translation.override("fr"):
        return {
            "category": report.category.name,
            "commune": report.commune.name,
            "address": report.address,
            "url": absolute_url(report.get_absolute_url()),
            **extra,
        }


def agents_of(report):
    """The institution's team, or the moderators when no institution handles the report."""
    if report.institution_id is not None:
        return User.objects.filter(
            is_active=True,
            pk__in=OrganisationMembership.objects.filter(
                organisation_id=report.institution_id
            ).values("user_id"),
        ).order_by("pk")
    permission = Permission.objects.filter(
        content_type__app_label="localreports", codename="change_report"
    ).first()
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions=permission)
            | Q(groups__permissions=permission)
        )
        .distinct()
        .order_by("pk")
    )


def tell_agents(*, report):
    activity_record(
        kind="localreports.received",
        target=report,
        recipients=list(agents_of(report)),
        url=report.get_absolute_url(),
        data=_context(report, description=report.description[:300]),
    )


def tell_step(*, report, update):
    status_label = ""
    if update.status:
        with translation.override("fr"):
            status_label = str(ReportStatus(update.status).label)
    activity_record(
        kind="localreports.step",
        actor=update.author,
        target=report,
        recipients=list(interested_in(report).exclude(pk=update.author_id).order_by("pk")),
        url=report.get_absolute_url(),
        data=_context(
            report,
            status=update.status,
            status_label=status_label,
            comment=update.body,
            institution=update.institution_name,
        ),
    )
