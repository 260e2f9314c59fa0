"""Reads of the home page.

The home page is a few blocks, each filled by its app's own selector with a ``LIMIT``:
upcoming events (``agenda.selectors.upcoming_near``), the latest targeted information
(``news.selectors.latest_for``), open consultations (``consultations.selectors.open_for``) and
recent activity in groups (``group_activity`` below, built on the groups' visibility
selectors). Each costs one or two queries whatever the volume of data; the page's total is
pinned in ``tests/core/test_home.py``.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from parvis.groups.models import GroupStatus, ThreadRead
from parvis.groups.selectors import active_memberships, threads_visible_to
from parvis.territories.models import Territory, TerritoryKind

#: How many items each block of the home page shows.
HOME_EVENTS = 6
HOME_POSTS = 4
HOME_CONSULTATIONS = 4
HOME_THREADS = 5


def departement_with_figures():
    """The département the site serves, annotated with ``commune_count`` and
    ``population_total`` (of its communes), or ``None`` before the territory is imported.
    One query."""
    communes = (
        Territory.objects.filter(kind=TerritoryKind.COMMUNE, departement=OuterRef("pk"))
        .order_by()
        .values("departement")
    )
    return (
        Territory.objects.filter(
            kind=TerritoryKind.DEPARTEMENT, code=settings.PARVIS_TERRITORY_CODE
        )
        .annotate(
            commune_count=Coalesce(
                Subquery(communes.annotate(n=Count("pk")).values("n")[:1]),
                0,
                output_field=IntegerField(),
            ),
            population_total=Coalesce(
                Subquery(communes.annotate(total=Sum("population")).values("total")[:1]),
                0,
                output_field=IntegerField(),
            ),
        )
        .first()
    )


@dataclass
class GroupActivity:
    """The home page's "groups" block: the latest discussions with activity, and whether
    they come from the member's own groups (``mine``) or from public groups (visitors, and
    members who belong to no group with a discussion yet)."""

    threads: list = field(default_factory=list)
    mine: bool = False


def _recent_threads(threads, limit):
    return list(
        threads.exclude(group__status=GroupStatus.DELETED)
        .select_related("group", "last_message__author")
        .order_by("-last_activity_at", "-pk")[:limit]
    )


def group_activity(user, limit=HOME_THREADS):
    """The discussions most recently active in the groups ``user`` is an active member of
    (private ones included: they belong to them), each with ``unread`` (activity since they
    last read it, or since they joined). Without any such discussion — or for a visitor — the
    latest discussions of *public* groups, which anyone may read. One query, two at most.

    A private group's discussions never show here to someone who is not one of its active
    members: the member's list is limited to their own groups, the fallback to public ones.
    """
    if user.is_authenticated:
        memberships = active_memberships(user)
        mine = threads_visible_to(user).filter(group__in=memberships.values("group_id"))
        mine = mine.annotate(
            read_at=Subquery(
                ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("read_at")[:1]
            ),
            joined_at=Subquery(
                memberships.filter(group=OuterRef("group_id")).values("joined_at")[:1]
            ),
        )
        threads = _recent_threads(mine, limit)
        if threads:
            for thread in threads:
                seen = thread.read_at or thread.joined_at
                thread.unread = seen is None or thread.last_activity_at > seen
            return GroupActivity(threads=threads, mine=True)
    public = threads_visible_to(AnonymousUser())
    return GroupActivity(threads=_recent_threads(public, limit), mine=False)
