"""Reads of the personal-data pages and tasks: exports, the erasure plan, inactive members."""

import datetime as dt
from dataclasses import dataclass, field

from allauth.usersessions.models import UserSession
from django.db.models import DateTimeField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from parvis.accounts.models import ERASED_EMAIL_DOMAIN, User

from . import registry
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
class ErasurePlan:
    """What erasing ``member`` will do, shown before they confirm and followed by the
    service. The apps fill it through their plan steps (``registry.plan_step``, in their
    ``content.py``): who receives the groups (``groups``, items with ``group`` and
    ``successor``) and the organisations (``organisations``, items with ``organisation`` and
    ``successor``) the member runs alone — ``successor`` is ``None`` when it is closed — and
    how many contributions they have (``counts``: events, posts, threads, messages,
    comments)."""

    member: object
    groups: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def closed_organisation_ids(self):
        return {item.organisation.pk for item in self.organisations if item.successor is None}

    @property
    def closed_groups(self):
        return [item.group for item in self.groups if item.successor is None]


def erasure_plan(member) -> ErasurePlan:
    plan = ErasurePlan(member=member)
    for step in registry.plan_steps():
        step.function(plan)
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
