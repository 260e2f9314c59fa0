"""What the platform knows about groups and their discussions, declared once (see
``parvis.core.content``): how a message or a group is reported and removed, the sections they
fill ("Groups" on the territory pages, "Contributions in groups" on the elected officials'
pages, "Recent activity in your groups" on the home page), the notification kinds
(``notifications.py``) and what a member's data export and erasure do with their groups,
discussions and messages. Each section costs one query with a ``LIMIT`` (the home block two
at most)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.core.home import ORDER as HOME_ORDER
from parvis.core.home import HomeBlock, home_blocks
from parvis.moderation import registry as moderation
from parvis.officials.sections import ORDER as OFFICIAL_ORDER
from parvis.officials.sections import OfficialSection, official_sections
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, PortalSection, portal_sections

from . import notifications  # noqa: F401  (the notification kinds)
from .models import Group, GroupStatus, Message, ThreadRead, Visibility
from .selectors import (
    active_memberships,
    group_is_visible_to,
    group_list,
    group_owner,
    groups_run_filter,
    in_territory,
    message_is_visible_to,
    messages_visible_to,
    runs_group,
    threads_visible_to,
)

SECTION_LIMIT = 6
#: Discussions the home page shows.
HOME_THREADS = 5

# --- moderation -------------------------------------------------------------------------------


def _message_visible(message, user):
    return message.deleted_at is None and message_is_visible_to(message, user)


def _remove_message(message, decision):
    """A message deleted by moderation keeps its place in the discussion, as a placeholder
    ("removed by a moderator"); its text stays out of sight for an appeal."""
    message.deleted_at = timezone.now()
    message.deleted_by = decision.moderator
    message.deletion_reason = decision.facts
    message.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])


def _group_author(group):
    """Its owner answers for the group (ownership may have passed on), else its creator."""
    return group_owner(group) or group.created_by


def _delete_group(group, decision):
    from .services import group_delete

    group_delete(group=group, moderator=decision.moderator, reason=decision.facts)


moderation.register(
    Message,
    label=_("message"),
    author=lambda message: message.author,
    author_field="author",
    is_visible_to=_message_visible,
    template="moderation/items/message.html",
    delete=_remove_message,
    select_related=("author", "thread", "thread__group"),
    title=lambda message: (
        _("%(thread)s — message %(position)d")
        % {"thread": message.thread.title, "position": message.position}
    ),
)
moderation.register(
    Group,
    label=_("group"),
    author=_group_author,
    author_field="created_by",
    # Its owner and moderators run the group: they still see it hidden.
    is_author=lambda group, user: runs_group(user, group),
    author_filter=groups_run_filter,
    is_visible_to=group_is_visible_to,
    template="moderation/items/group.html",
    delete=_delete_group,
    select_related=("created_by", "territory"),
)


# --- pages ------------------------------------------------------------------------------------


def portal_groups(territory, user):
    """The groups of a territory (attached to it or to a territory inside it), most active
    first."""
    groups = list(group_list(user).filter(in_territory(territory))[:SECTION_LIMIT])
    url = reverse("groups:index")
    if territory.kind in (TerritoryKind.COMMUNE, TerritoryKind.EPCI):
        url += "?" + urlencode({territory.kind: territory.pk})
    return {"groups": groups, "see_all_url": url}


def official_contributions(official, user):
    """An official's latest messages in *public* groups the viewer may read (never a private
    group's, even to a fellow member: the page is public)."""
    contributions = list(
        messages_visible_to(user)
        .filter(
            author=official,
            deleted_at__isnull=True,
            thread__group__visibility=Visibility.PUBLIC,
        )
        .select_related("thread", "thread__group")
        .order_by("-created_at", "-pk")[:SECTION_LIMIT]
    )
    return {"contributions": contributions, "see_all_url": ""}


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


portal_sections.register(
    PortalSection(
        key="groups",
        title=_("Groups"),
        template="groups/_portal_section.html",
        context=portal_groups,
        order=ORDER["groups"],
        see_all_label=_("See all the groups"),
    )
)
official_sections.register(
    OfficialSection(
        key="contributions",
        title=_("Contributions in groups"),
        template="groups/_official_section.html",
        context=official_contributions,
        order=OFFICIAL_ORDER["contributions"],
    )
)
home_blocks.register(
    HomeBlock(
        key="groups",
        template="groups/_home_block.html",
        context=lambda user: {"group_activity": group_activity(user)},
        order=HOME_ORDER["groups"],
        shows=("groups",),
        # The unread badges: the member's read markers have a generation of their own.
        member_labels=lambda user: (pagecache.reads_label(user.pk),),
    )
)
