"""Reads of the local reports: visibility, routing, agents, similar reports nearby.

Everyone reads every report that is not deleted nor hidden by moderation (a report is about
public space); the reporter's identity is read by the agents only (``may_triage``).
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q

from parvis.accounts.models import User, VerificationStatus
from parvis.core.geo import distance_m
from parvis.moderation.selectors import annotate_hidden, visible
from parvis.organisations.models import Organisation, OrganisationKind, OrganisationMembership

from .models import OPEN_STATUSES, Category, Report, Route, Support

#: Similar open reports proposed before sending: at most this many, within this distance.
SIMILAR_LIMIT = 5
SIMILAR_RADIUS_M = 300


def is_report_moderator(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("localreports.change_report")
    )


def _institutions():
    return Organisation.objects.filter(
        kind=OrganisationKind.INSTITUTION, status=VerificationStatus.VERIFIED
    )


def council():
    """The départemental council's institution: ``PARVIS_COUNCIL_INSTITUTION`` (its slug), else
    the verified institution whose slug starts with ``conseil-departemental``; ``None`` when
    it is not on Parvis."""
    slug = getattr(settings, "PARVIS_COUNCIL_INSTITUTION", "")
    if slug:
        return _institutions().filter(slug=slug).first()
    return _institutions().filter(slug__startswith="conseil-departemental").order_by("pk").first()


def town_hall(commune):
    """The commune's verified institution ("Mairie de ..." first), or ``None``."""
    halls = list(_institutions().filter(commune=commune).order_by("name", "pk")[:10])
    return next((hall for hall in halls if hall.name.lower().startswith("mairie")), None) or (
        halls[0] if halls else None
    )


def route_for(category, commune):
    """The institution whose agents handle a report of ``category`` in ``commune`` (``None``:
    the moderators)."""
    if category.route == Route.COUNCIL:
        return council()
    return town_hall(commune)


def agent_institutions(user):
    """Primary keys of the verified institutions whose team ``user`` belongs to."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_parvis_report_institutions", None)
    if cached is None:
        cached = list(
            OrganisationMembership.objects.filter(
                user=user,
                organisation__kind=OrganisationKind.INSTITUTION,
                organisation__status=VerificationStatus.VERIFIED,
            ).values_list("organisation_id", flat=True)
        )
        user._parvis_report_institutions = cached
    return cached


def may_triage(user, report) -> bool:
    """``user`` handles the report: an agent of its institution, or a moderator."""
    if not (user.is_authenticated and user.is_active):
        return False
    if is_report_moderator(user):
        return True
    return report.institution_id is not None and report.institution_id in agent_institutions(user)


def is_agent(user) -> bool:
    return is_report_moderator(user) or bool(agent_institutions(user))


def active_categories():
    return Category.objects.filter(is_active=True)


def reports_visible_to(user):
    queryset = Report.objects.filter(deleted_at__isnull=True).select_related(
        "category", "commune", "institution"
    )
    return visible(queryset, user)


def report_is_visible_to(report, user) -> bool:
    return report.deleted_at is None


def report_for_page(pk):
    return (
        Report.objects.select_related("category", "commune", "institution", "author")
        .prefetch_related("photos")
        .filter(pk=pk)
        .first()
    )


def report_list(user, *, commune=None, category=None, status=None, open_only=False):
    queryset = annotate_hidden(reports_visible_to(user))
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    if category is not None:
        queryset = queryset.filter(category=category)
    if status:
        queryset = queryset.filter(status=status)
    elif open_only:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if user.is_authenticated:
        queryset = queryset.annotate(
            supported=Exists(Support.objects.filter(report=OuterRef("pk"), member=user.pk))
        )
    return queryset.prefetch_related("photos").order_by("-created_at", "-pk")


def reports_to_triage(user):
    """The reports ``user`` handles, open ones first, oldest first."""
    queryset = Report.objects.filter(deleted_at__isnull=True).select_related(
        "category", "commune", "institution", "author"
    )
    if not is_report_moderator(user):
        queryset = queryset.filter(institution__in=agent_institutions(user))
    return queryset


def supported_by(report, user) -> bool:
    return user.is_authenticated and Support.objects.filter(report=report, member=user).exists()


def similar_open(*, commune, category, latitude=None, longitude=None, user=None):
    """Open reports of the same category in the same commune, the nearest first when a point
    is given (within ``SIMILAR_RADIUS_M`` of it, or without a point of their own)."""
    candidates = list(
        reports_visible_to(user or AnonymousUser())
        .filter(commune=commune, category=category, status__in=OPEN_STATUSES)
        .prefetch_related("photos")  # the cards show the first photo
        .order_by("-support_count", "-created_at")[:50]
    )
    if latitude is None or longitude is None:
        return candidates[:SIMILAR_LIMIT]
    near = []
    for report in candidates:
        if report.has_point:
            report.distance = distance_m(latitude, longitude, report.latitude, report.longitude)
            if report.distance <= SIMILAR_RADIUS_M:
                near.append(report)
        else:
            report.distance = None
            near.append(report)
    near.sort(key=lambda r: (r.distance is None, r.distance or 0))
    return near[:SIMILAR_LIMIT]


def interested_in(report):
    """Members told of each step: the reporter and the supporters (active)."""
    return User.objects.filter(
        Q(pk=report.author_id) | Q(local_report_supports__report=report), is_active=True
    ).distinct()
