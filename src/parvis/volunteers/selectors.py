"""Reads of the calls for volunteers.

Everyone reads the calls of verified organisations, public groups and published events (not
deleted, not hidden by moderation); a private group's calls are read by its members. Their
organisers (the organisation's team, the group's owner and moderators, the event's organiser)
run them; the volunteers' names and e-mail addresses are read by the organisers only.
"""

import datetime as dt

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from parvis.accounts.models import VerificationStatus
from parvis.agenda.models import PUBLIC_STATUSES as EVENT_PUBLIC_STATUSES
from parvis.agenda.selectors import events_visible_to, user_organises
from parvis.core.visitors import same_for_every_visitor
from parvis.groups.models import Group
from parvis.groups.selectors import (
    group_content_is_readable_by,
    groups_run_filter,
    readable_groups_filter,
    runs_group,
)
from parvis.moderation.selectors import visible
from parvis.organisations.models import Organisation, OrganisationMembership
from parvis.territories.models import TerritoryKind

from .models import Call, CallStatus, MemberSkill, Signup, Skill, Slot


def is_volunteers_moderator(user) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.has_perm("volunteers.change_call"))


def _organisations_run_by(user):
    return OrganisationMembership.objects.filter(user=user).values("organisation_id")


def can_run(user, call) -> bool:
    """``user`` organises ``call``: its organisation's team, its group's owner or moderators,
    its event's organiser (or a moderator)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if is_volunteers_moderator(user):
        return True
    if call.organisation_id:
        return OrganisationMembership.objects.filter(
            user=user, organisation_id=call.organisation_id
        ).exists()
    if call.group_id:
        return runs_group(user, call.group)
    return call.event_id is not None and user_organises(user, call.event)


def runners_for(user):
    """What ``user`` may open a call for: ``(organisations, groups, events)`` querysets (the
    verified organisations of their team, the groups they run, their events to come)."""
    organisations = Organisation.objects.filter(
        status=VerificationStatus.VERIFIED, pk__in=_organisations_run_by(user)
    ).order_by("name")
    groups = Group.objects.filter(groups_run_filter(user)).order_by("name")
    events = (
        events_visible_to(user)
        .filter(status__in=EVENT_PUBLIC_STATUSES, end__gte=timezone.now())
        .filter(Q(created_by=user) | Q(organisation__in=_organisations_run_by(user)))
        .order_by("start")
    )
    return organisations, groups, events


@same_for_every_visitor
def calls_visible_to(user):
    """The calls ``user`` may read, with what their cards show. A visitor's are the same for
    every visitor: built once per process, each caller gets a copy."""
    readable = (
        Q(organisation__status=VerificationStatus.VERIFIED)
        | Q(group__in=_readable_group_ids(user))
        | Q(event__status__in=EVENT_PUBLIC_STATUSES)
    )
    queryset = Call.objects.filter(deleted_at__isnull=True).filter(readable)
    return visible(queryset, user).select_related("commune", "organisation", "group", "event")


def _readable_group_ids(user):
    return Group.objects.filter(readable_groups_filter(user)).values("pk")


def call_for_page(pk):
    return (
        Call.objects.select_related("commune", "organisation", "group", "event", "created_by")
        .prefetch_related(
            "skills",
            Prefetch("slots", queryset=Slot.objects.order_by("position", "starts_at", "pk")),
        )
        .filter(pk=pk, deleted_at__isnull=True)
        .first()
    )


def call_is_visible_to(call, user) -> bool:
    if call.deleted_at is not None:
        return False
    if can_run(user, call):
        return True
    if call.organisation_id:
        return call.organisation.status == VerificationStatus.VERIFIED
    if call.group_id:
        return group_content_is_readable_by(call.group, user)
    return call.event.status in EVENT_PUBLIC_STATUSES


def _slots_sum(field):
    """The sum of ``field`` over the outer call's slots (``None`` without slots)."""
    return Subquery(
        Slot.objects.filter(call=OuterRef("pk"))
        .order_by()
        .values(total=Func(F(field), function="SUM", output_field=IntegerField()))
    )


def with_places(queryset):
    """Each call with ``places`` and ``taken`` over its slots (one query). Subqueries rather
    than a join and a ``GROUP BY`` of every selected table: PostgreSQL sums the slots of the
    calls it keeps only, and plans the query faster."""
    return queryset.annotate(places_total=_slots_sum("places"), taken_total=_slots_sum("taken"))


def open_calls(user, *, commune=None, skill=None, near=None):
    """Open calls, newest first; ``near``: a commune whose own and intercommunality's calls
    come first."""
    queryset = calls_visible_to(user).filter(status=CallStatus.OPEN)
    if commune is not None:
        if commune.kind == TerritoryKind.COMMUNE:
            queryset = queryset.filter(commune=commune)
        elif commune.kind == TerritoryKind.EPCI:
            queryset = queryset.filter(commune__epci=commune)
    if skill is not None:
        queryset = queryset.filter(skills=skill)
    return with_places(queryset).order_by("-created_at", "-pk")


def open_calls_near(user, limit):
    """Home block: open calls in the member's commune, then its intercommunality."""
    queryset = with_places(calls_visible_to(user).filter(status=CallStatus.OPEN))
    if not (user.is_authenticated and user.commune_id):
        return list(queryset.order_by("-created_at")[:limit])
    commune = user.commune
    near = Q(commune=commune.pk)
    if commune.epci_id:
        near |= Q(commune__epci=commune.epci_id)
    return list(queryset.filter(near).order_by("-created_at")[:limit])


def signups_of(user, call):
    """The slots of ``call`` ``user`` signed up for (primary keys)."""
    if not user.is_authenticated:
        return set()
    return set(
        Signup.objects.filter(member=user, slot__call=call).values_list("slot_id", flat=True)
    )


def volunteers_of(call):
    return (
        Signup.objects.filter(slot__call=call)
        .select_related("member", "slot")
        .order_by("slot__position", "slot__starts_at", "slot_id", "created_at")
    )


def my_signups(user):
    return (
        Signup.objects.filter(member=user, slot__call__deleted_at__isnull=True)
        .select_related("slot", "slot__call", "slot__call__commune")
        .order_by("slot__starts_at", "-created_at")
    )


def member_skills(member, viewer=None):
    return Skill.objects.filter(members__member=member).order_by("position", "name")


def matching_skills(user, call):
    if not user.is_authenticated:
        return []
    return list(
        call.skills.filter(Exists(MemberSkill.objects.filter(member=user, skill=OuterRef("pk"))))
    )


def reminders_due(now=None):
    """Sign-ups of dated slots starting tomorrow (Europe/Paris) not reminded yet."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    return Signup.objects.filter(
        reminded_at__isnull=True,
        slot__starts_at__gte=start,
        slot__starts_at__lt=end,
        slot__call__status=CallStatus.OPEN,
        slot__call__deleted_at__isnull=True,
        member__is_active=True,
    )
