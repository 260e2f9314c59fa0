"""Reads of the personal-data pages and tasks: exports, the erasure plan, inactive members."""

import datetime as dt
from dataclasses import dataclass, field

from allauth.usersessions.models import UserSession
from django.db.models import (
    Case,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from parvis.accounts.models import ERASED_EMAIL_DOMAIN, User
from parvis.agenda.models import Event
from parvis.consultations.models import Comment
from parvis.groups.models import Membership, MembershipState, Message, Role, Thread
from parvis.news.models import Post
from parvis.organisations.models import OrganisationMembership, OrganisationRole

from .models import DataExport


def exports_of(member):
    """The member's archives, newest first (the data page lists them)."""
    return DataExport.objects.filter(member=member).order_by("-requested_at", "-pk")


def export_for_download(public_id, user):
    """The archive ``public_id`` if ``user`` owns it and may still download it, else None:
    anyone else, a visitor, an expired or unfinished archive all get a 404."""
    if not user.is_authenticated:
        return None
    export = DataExport.objects.filter(public_id=public_id, member=user).first()
    if export is None or not export.is_downloadable():
        return None
    return export


# --- the erasure plan -------------------------------------------------------------------------


@dataclass
class GroupHandover:
    group: object
    successor: object | None  # a member, or None: the group is closed


@dataclass
class OrganisationHandover:
    organisation: object
    successor: object | None  # a member, or None: the organisation is closed


@dataclass
class ErasurePlan:
    """What erasing ``member`` will do, shown before they confirm and followed by the
    service: who receives their groups and organisations, what contributions they have."""

    member: object
    groups: list[GroupHandover] = field(default_factory=list)
    organisations: list[OrganisationHandover] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def closed_organisation_ids(self):
        return {item.organisation.pk for item in self.organisations if item.successor is None}

    @property
    def closed_groups(self):
        return [item.group for item in self.groups if item.successor is None]


def _group_successor(group, member):
    """The member who will own ``group`` when ``member`` leaves: the rule of
    ``parvis.groups.services._hand_over_ownership`` (longest-standing moderator, else member)."""
    membership = (
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
        .exclude(user=member)
        .exclude(user__is_active=False)
        .annotate(
            moderator_first=Case(
                When(role=Role.MODERATOR, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("user")
        .order_by("moderator_first", "joined_at", "pk")
        .first()
    )
    return membership.user if membership else None


def _organisation_successor(organisation, member):
    """Who runs ``organisation`` once ``member`` (its only manager) is gone: its
    longest-standing other member, made manager; None when it has no other member."""
    membership = (
        OrganisationMembership.objects.filter(organisation=organisation, user__is_active=True)
        .exclude(user=member)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user if membership else None


def own_events(member, closed_organisation_ids):
    """Events that are the member's own (not those of an organisation that goes on)."""
    return Event.objects.filter(created_by=member).filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=closed_organisation_ids)
    )


def own_posts(member, closed_organisation_ids):
    return Post.objects.filter(author=member).filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=closed_organisation_ids)
    )


def erasure_plan(member) -> ErasurePlan:
    plan = ErasurePlan(member=member)
    owned = (
        Membership.objects.filter(user=member, state=MembershipState.ACTIVE, role=Role.OWNER)
        .select_related("group")
        .order_by("group__name")
    )
    for membership in owned:
        plan.groups.append(
            GroupHandover(
                group=membership.group, successor=_group_successor(membership.group, member)
            )
        )
    managed = (
        OrganisationMembership.objects.filter(user=member, role=OrganisationRole.MANAGER)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    for membership in managed:
        organisation = membership.organisation
        other_managers = (
            OrganisationMembership.objects.filter(
                organisation=organisation, role=OrganisationRole.MANAGER, user__is_active=True
            )
            .exclude(user=member)
            .exists()
        )
        if other_managers:
            continue
        plan.organisations.append(
            OrganisationHandover(
                organisation=organisation,
                successor=_organisation_successor(organisation, member),
            )
        )
    closed = plan.closed_organisation_ids
    plan.counts = {
        "events": own_events(member, closed).count(),
        "posts": own_posts(member, closed).count(),
        "threads": Thread.objects.filter(author=member, deleted_at__isnull=True).count(),
        "messages": Message.objects.filter(author=member, deleted_at__isnull=True).count(),
        "comments": Comment.objects.filter(author=member, deleted_at__isnull=True).count(),
    }
    return plan


# --- inactive accounts ------------------------------------------------------------------------


def with_last_activity(queryset):
    """Annotate ``last_activity``: the latest of the last login, the account's creation and
    the last request of one of its sessions (a member kept logged in is not inactive)."""
    last_seen = Subquery(
        UserSession.objects.filter(user=OuterRef("pk"))
        .order_by("-last_seen_at")
        .values("last_seen_at")[:1],
        output_field=DateTimeField(),
    )
    return queryset.annotate(
        last_activity=Greatest(
            Coalesce("last_login", "date_joined"),
            Coalesce(last_seen, "date_joined"),
        )
    )


def erasable_members():
    """Members the inactivity rule applies to: active accounts, not yet erased, not staff
    (administrators manage the staff's accounts and those they deactivated)."""
    return User.objects.exclude(email__endswith=f"@{ERASED_EMAIL_DOMAIN}").filter(
        is_active=True, is_staff=False, is_superuser=False
    )


def members_to_warn(*, now, warning_days: int, limit: int):
    """Members inactive for ``warning_days`` who were not warned yet."""
    cutoff = now - dt.timedelta(days=warning_days)
    return list(
        with_last_activity(erasable_members().filter(inactivity_notice__isnull=True))
        .filter(last_activity__lte=cutoff)
        .order_by("pk")[:limit]
    )


def members_to_erase(*, now, erasure_days: int, limit: int):
    """Warned members inactive for ``erasure_days`` whose notice period is over and who did
    nothing since they were warned."""
    cutoff = now - dt.timedelta(days=erasure_days)
    return list(
        with_last_activity(
            erasable_members().filter(
                inactivity_notice__isnull=False, inactivity_notice__erasure_after__lte=now
            )
        )
        .filter(last_activity__lte=cutoff)
        .filter(last_activity__lte=F("inactivity_notice__last_activity_at"))
        .order_by("pk")[:limit]
    )


def members_back(*, limit: int):
    """Ids of warned members who came back since (logged in, or used a session): their
    notice is removed, so that a later inactivity is warned again."""
    return list(
        with_last_activity(User.objects.filter(inactivity_notice__isnull=False))
        .filter(last_activity__gt=F("inactivity_notice__last_activity_at"))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
