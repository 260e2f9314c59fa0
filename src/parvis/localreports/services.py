"""Every write on local reports (see ``models``'s docstring): report, support, triage, remove.
The form, the API and the admin call them, so one set of rules."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.core.geo import point_clean
from parvis.core.images import process_image
from parvis.moderation.audit import audit_record
from parvis.moderation.safeguards import check_links_allowed, check_posting_allowed
from parvis.organisations.models import OrganisationMembership
from parvis.territories.models import TerritoryKind

from . import activities
from .models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_PHOTOS,
    OPEN_STATUSES,
    Photo,
    Report,
    ReportStatus,
    Support,
    Update,
)
from .selectors import may_triage, route_for

DESCRIPTION_MIN_LENGTH = 15


def report_validate(
    *, author, commune, category, description, address="", latitude=None, longitude=None, photos=()
):
    """The rules of a new report, shared by the form and the API: returns the cleaned
    values or raises ``ValidationError`` by field."""
    if not (author.is_authenticated and author.is_active):
        raise PermissionDenied(_("Log in to report a problem."))
    errors = {}
    if commune is None or commune.kind != TerritoryKind.COMMUNE:
        errors["commune"] = _("Choose the commune where the problem is.")
    if category is None or not category.is_active:
        errors["category"] = _("Choose a category from the list.")
    description = (description or "").strip()
    if len(description) < DESCRIPTION_MIN_LENGTH:
        errors["description"] = _("Describe the problem in at least %(min)d characters.") % {
            "min": DESCRIPTION_MIN_LENGTH
        }
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("Write at most %(max)d characters.") % {
            "max": DESCRIPTION_MAX_LENGTH
        }
    address = (address or "").strip()[:200]
    latitude, longitude = point_clean(latitude, longitude, errors)
    if not address and latitude is None and "latitude" not in errors:
        errors["address"] = _("Say where the problem is: an address or a place, or a point.")
    photos = [photo for photo in photos if photo]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("At most %(max)d photos.") % {"max": MAX_PHOTOS}
    cleaned_photos = []
    if "photos" not in errors:
        for photo in photos:
            try:
                cleaned_photos.append(process_image(photo, max_size=(1600, 1600)))
            except ValidationError as error:
                errors["photos"] = error.messages
                break
    if errors:
        raise ValidationError(errors)
    return {
        "description": description,
        "address": address,
        "latitude": latitude,
        "longitude": longitude,
        "photos": cleaned_photos,
    }


def report_create(
    *, author, commune, category, description, address="", latitude=None, longitude=None, photos=()
):
    """A resident reports a problem; it is routed to the competent institution, whose agents
    are told."""
    cleaned = report_validate(
        author=author,
        commune=commune,
        category=category,
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        photos=photos,
    )
    check_links_allowed(author, cleaned["description"])
    check_posting_allowed(author, "local_report")
    with transaction.atomic():
        report = Report.objects.create(
            author=author,
            commune=commune,
            category=category,
            description=cleaned["description"],
            address=cleaned["address"],
            latitude=cleaned["latitude"],
            longitude=cleaned["longitude"],
            institution=route_for(category, commune),
        )
        for position, content in enumerate(cleaned["photos"]):
            photo = Photo(report=report, position=position)
            photo.image.save("photo.jpg", content, save=False)
            photo.save()
        activities.tell_agents(report=report)
    return report


def _check_can_support(report, member):
    if not (member.is_authenticated and member.is_active):
        raise PermissionDenied(_("Log in to support a report."))
    if report.deleted_at is not None or report.status not in OPEN_STATUSES:
        raise ValidationError(_("This report is closed: it can no longer be supported."))
    if report.author_id == member.pk:
        raise ValidationError(_("You made this report: it already counts as yours."))


def report_support(*, report, member) -> bool:
    """``member`` has the same problem: they support the report (once) and are told of each
    step. Returns whether a support was added."""
    _check_can_support(report, member)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Support.objects.create(report=report, member=member)
        except IntegrityError:
            return False
        Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
    return True


def report_unsupport(*, report, member) -> bool:
    if not member.is_authenticated:
        raise PermissionDenied(_("Log in to support a report."))
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(report=report, member=member).delete()
        if deleted:
            Report.objects.filter(pk=report.pk, support_count__gt=0).update(
                support_count=F("support_count") - 1
            )
    return bool(deleted)


#: The statuses an agent may move a report to, from each status.
TRANSITIONS = {
    ReportStatus.RECEIVED: {ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.REJECTED},
    ReportStatus.IN_PROGRESS: {ReportStatus.RECEIVED, ReportStatus.RESOLVED, ReportStatus.REJECTED},
    ReportStatus.RESOLVED: {ReportStatus.IN_PROGRESS},
    ReportStatus.REJECTED: {ReportStatus.RECEIVED},
}


def report_triage(*, report, agent, status="", comment="") -> Update:
    """An agent of the competent institution (or a moderator) changes the status and/or
    comments publicly; a rejection needs its reason (the comment). The reporter and the
    supporters are told."""
    if not may_triage(agent, report):
        raise PermissionDenied(_("Only the agents of the institution in charge may do this."))
    comment = (comment or "").strip()
    errors = {}
    if status and status not in ReportStatus.values:
        errors["status"] = _("Choose a status from the list.")
    elif status and status != report.status and status not in TRANSITIONS[report.status]:
        errors["status"] = _("A report cannot go from “%(old)s” to “%(new)s”.") % {
            "old": report.get_status_display(),
            "new": ReportStatus(status).label,
        }
    if status == ReportStatus.REJECTED and status != report.status and not comment:
        errors["comment"] = _("Say why the report is rejected: the reporter will read it.")
    if len(comment) > DESCRIPTION_MAX_LENGTH:
        errors["comment"] = _("Write at most %(max)d characters.") % {"max": DESCRIPTION_MAX_LENGTH}
    if status == report.status:
        status = ""
    if not status and not comment and not errors:
        errors["comment"] = _("Write a comment or choose a new status.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        now = timezone.now()
        fields = ["updated_at"]
        report.updated_at = now
        if status:
            report.status = status
            fields.append("status")
            if status == ReportStatus.RESOLVED:
                report.resolved_at = now
                fields.append("resolved_at")
            if status == ReportStatus.REJECTED:
                report.rejection_reason = comment
                fields.append("rejection_reason")
        report.save(update_fields=fields)
        update = Update.objects.create(
            report=report,
            author=agent,
            institution_name=report.institution.name if report.institution_id else "",
            status=status,
            body=comment,
            created_at=now,
        )
        if report.institution_id is None or agent.pk not in _team_of(report):
            audit_record(
                actor=agent,
                action="localreports.report_triage",
                target=report,
                reason=comment,
                data={"status": status},
            )
        activities.tell_step(report=report, update=update)
    return update


def _team_of(report):
    return set(
        OrganisationMembership.objects.filter(organisation_id=report.institution_id).values_list(
            "user_id", flat=True
        )
    )


def report_remove(*, report, moderator=None) -> Report:
    """What a moderation decision's "delete" does: the report leaves every page."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.deleted_at is None:
            report.deleted_at = timezone.now()
            report.deleted_by = moderator
            report.save(update_fields=["deleted_at", "deleted_by"])
    return report
