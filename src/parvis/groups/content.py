"""What the platform knows about groups and their discussions, declared once (see
``parvis.core.content``): how a message or a group is reported and removed, the sections they
fill ("Groups" on the territory pages, "Contributions in groups" on the elected officials'
pages, "Recent activity in your groups" on the home page), the notification and activity
kinds (``notifications.py``, ``activities.py``) and what a member's data export and erasure
do with their groups, discussions and messages. Each section costs one query with a
``LIMIT`` (the home block two at most)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.core.home import ORDER as HOME_ORDER
from parvis.core.home import HomeBlock, home_blocks
from parvis.core.images import delete_files_with
from parvis.moderation import registry as moderation
from parvis.officials.sections import ORDER as OFFICIAL_ORDER
from parvis.officials.sections import OfficialSection, official_sections
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import STAFF_WORK, site_text
from parvis.privacy.registry import CONTRIBUTIONS, CUSTOM, DELETE, HANDOVER, KEEP, SET_NULL
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, PortalSection, portal_sections
from parvis.territories.selectors import territory_containers

from . import (  # noqa: F401  (the notification and activity kinds)
    activities,
    home,  # noqa: F401  (the member's home: feed, composer, "My groups", first steps)
    notifications,
    search_provider,  # noqa: F401  (its types in the search box: parvis.core.search)
)
from .models import (
    Ban,
    Group,
    GroupStatus,
    Invitation,
    JoinRequest,
    Membership,
    MembershipState,
    Mention,
    Message,
    MessageRevision,
    Role,
    Thread,
    ThreadRead,
    Visibility,
)
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
    territory_groups_tags,
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


def portal_groups_tags(territory):
    """The groups attached to ``territory`` or to a territory inside it (for a commune, also to
    its intercommunality: ``selectors.in_territory``), most active first."""
    return territory_groups_tags(territory)


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
        tags=portal_groups_tags,
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
        tags=("groups.thread", "groups.membership"),
        # The unread badges: the member's read markers have a tag of their own.
        member_tags=lambda user: (pagecache.reads_label(user.pk),),
    )
)

# --- personal data (parvis.privacy.registry) ------------------------------------------------


@dataclass
class GroupHandover:
    """In the erasure plan: ``group``, which the member owns, passes to ``successor``, or is
    closed when ``None``."""

    group: object
    successor: object | None


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


@privacy.plan_step(order=HANDOVER)
def _plan_groups(plan):
    """The groups the member owns, and who takes each over."""
    owned = (
        Membership.objects.filter(user=plan.member, state=MembershipState.ACTIVE, role=Role.OWNER)
        .select_related("group")
        .order_by("group__name")
    )
    for membership in owned:
        plan.groups.append(
            GroupHandover(
                group=membership.group, successor=_group_successor(membership.group, plan.member)
            )
        )


@privacy.plan_step(order=CONTRIBUTIONS)
def _plan_discussions(plan):
    """How many discussions and messages the member would erase with their contributions."""
    plan.counts["threads"] = Thread.objects.filter(
        author=plan.member, deleted_at__isnull=True
    ).count()
    plan.counts["messages"] = Message.objects.filter(
        author=plan.member, deleted_at__isnull=True
    ).count()


def _groups_handover(context):
    """Leave every group under the groups' "no orphan" rule (ownership passes to the
    longest-standing moderator, else member); a group left with no member is closed. Then
    the membership rows go."""
    from .services import memberships_release

    group_ids = list(
        Membership.objects.filter(user=context.member, state=MembershipState.ACTIVE).values_list(
            "group_id", flat=True
        )
    )
    memberships_release(user=context.member)
    empty = Group.objects.filter(pk__in=group_ids, status=GroupStatus.ACTIVE).exclude(
        pk__in=Membership.objects.filter(state=MembershipState.ACTIVE, user__is_active=True).values(
            "group_id"
        )
    )
    closed = empty.update(
        status=GroupStatus.CLOSED,
        status_reason=site_text("Closed: its owner deleted their account and no member was left."),
        status_changed_at=context.now,
        status_changed_by=None,
        updated_at=timezone.now(),
    )
    context.count("groups_closed", closed)
    context.count("groups_handed_over", sum(1 for item in context.plan.groups if item.successor))
    deleted, _details = Membership.objects.filter(user=context.member).delete()
    context.count("groups.Membership.user", deleted)


def _threads(context):
    """Kept without their author; deleted at the member's choice when nobody else wrote in
    them (a discussion others answered stays, its title too, so their replies keep their
    context)."""
    threads = Thread.objects.filter(author=context.member)
    if context.delete_contributions:
        deleted = 0
        for thread in threads.exclude(
            pk__in=Message.objects.exclude(author=context.member).values("thread_id")
        ):
            if thread.deleted_at is None:
                Group.objects.filter(pk=thread.group_id, thread_count__gt=0).update(
                    thread_count=F("thread_count") - 1
                )
            thread.delete()
            deleted += 1
        context.count("groups.Thread.author (deleted)", deleted)
    context.count("groups.Thread.author", threads.update(author=None))


def _messages(context):
    """Kept without their author (their former versions deleted), or erased at the member's
    choice: the text goes, a "message deleted" note keeps the discussion readable."""
    messages = Message.objects.filter(author=context.member)
    MessageRevision.objects.filter(message__author=context.member).delete()
    if context.delete_contributions:
        Mention.objects.filter(message__author=context.member).delete()
        erased = messages.filter(deleted_at__isnull=True).update(
            body="", body_html="", deletion_reason="", deleted_at=context.now
        )
        messages.update(body="", body_html="")
        context.count("groups.Message.author (erased)", erased)
    context.count("groups.Message.author", messages.update(author=None))


privacy.export(
    "groups.Group.created_by",
    section="groups_created",
    fields=(
        "name",
        "description",
        "theme",
        "visibility",
        "join_policy",
        "status",
        "image",
        "created_at",
        ("url", lambda row: row.get_absolute_url()),
    ),
    files=("image",),
)
privacy.erase("groups.Group.created_by", action=SET_NULL)
privacy.not_exported("groups.Group.status_changed_by", reason=STAFF_WORK)
privacy.erase("groups.Group.status_changed_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "groups.Membership.user",
    section="group_memberships",
    fields=("group", "role", "state", "joined_at", "left_at"),
    queryset=lambda member: Membership.objects.filter(user=member).select_related("group"),
)
privacy.erase("groups.Membership.user", action=CUSTOM, handler=_groups_handover, order=HANDOVER)

privacy.export(
    "groups.JoinRequest.user",
    section="group_membership_requests",
    fields=("group", "message", "status", "created_at", "decided_at", "decision_message"),
    queryset=lambda member: JoinRequest.objects.filter(user=member).select_related("group"),
)
privacy.erase("groups.JoinRequest.user", action=DELETE)
privacy.not_exported("groups.JoinRequest.decided_by", reason=STAFF_WORK)
privacy.erase("groups.JoinRequest.decided_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "groups.Invitation.invitee",
    section="group_invitations_received",
    fields=("group", "message", "status", "created_at", "responded_at"),
    queryset=lambda member: Invitation.objects.filter(invitee=member).select_related("group"),
)
privacy.erase("groups.Invitation.invitee", action=DELETE)
privacy.export(
    "groups.Invitation.invited_by",
    section="group_invitations_sent",
    fields=("group", "message", "status", "created_at"),
    queryset=lambda member: Invitation.objects.filter(invited_by=member).select_related("group"),
)
privacy.erase("groups.Invitation.invited_by", action=SET_NULL)

privacy.export(
    "groups.Ban.user",
    section="group_bans",
    fields=("group", "reason", "created_at"),
    queryset=lambda member: Ban.objects.filter(user=member).select_related("group"),
)
privacy.erase("groups.Ban.user", action=DELETE)
privacy.not_exported("groups.Ban.banned_by", reason=STAFF_WORK)
privacy.erase("groups.Ban.banned_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "groups.Thread.author",
    section="group_discussions_started",
    fields=(
        "group",
        "title",
        "created_at",
        "deleted_at",
        ("url", lambda row: row.get_absolute_url()),
    ),
    queryset=lambda member: (
        Thread.objects.filter(author=member).select_related("group").order_by("created_at", "pk")
    ),
)
privacy.erase("groups.Thread.author", action=CUSTOM, handler=_threads, order=CONTRIBUTIONS - 5)
privacy.not_exported("groups.Thread.deleted_by", reason=STAFF_WORK)
privacy.erase("groups.Thread.deleted_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "groups.Message.author",
    section="group_messages",
    # The member's own messages only; never the messages of others around them.
    fields=(
        ("group", lambda row: row.thread.group.name),
        ("discussion", lambda row: row.thread.title),
        "position",
        "body",
        "created_at",
        "edited_at",
        "deleted_at",
        (
            "former_versions",
            lambda row: [
                {"text": revision.body, "written_at": revision.written_at}
                for revision in row.revisions.all()
            ],
        ),
    ),
    queryset=lambda member: (
        Message.objects.filter(author=member)
        .select_related("thread__group")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    ),
)
privacy.erase("groups.Message.author", action=CUSTOM, handler=_messages)
privacy.not_exported("groups.Message.deleted_by", reason=STAFF_WORK)
privacy.erase("groups.Message.deleted_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "groups.Mention.user",
    section="group_mentions",
    # Where and when; the message itself is its author's.
    fields=("created_at", ("url", lambda row: row.message.get_absolute_url())),
    queryset=lambda member: Mention.objects.filter(user=member).select_related(
        "message__thread__group"
    ),
)
privacy.erase("groups.Mention.user", action=DELETE)

privacy.export(
    "groups.ThreadRead.user",
    section="group_reading_positions",
    fields=(("discussion", lambda row: row.thread.title), "read_at", "last_position"),
    queryset=lambda member: ThreadRead.objects.filter(user=member).select_related("thread"),
)
privacy.erase("groups.ThreadRead.user", action=DELETE)


# --- page cache --------------------------------------------------------------------------------
# A reply adds a message to its thread (the thread's pages), updates the thread's counters (the
# group's page lists it) and the group's last activity, which orders the list of groups by
# activity (``groups.group@activity``) and shows nowhere else.
# Its counters show on its cards only (the pages that loaded it), never change which groups a
# list shows or their order: not list fields.
pagecache.declare(
    Group,
    scopes={"territory": "territory", "theme": "theme"},
    derived={"territory": territory_containers},
    list_fields=tuple(
        field.name
        for field in Group._meta.concrete_fields
        if field.name not in ("member_count", "thread_count", "last_activity_at")
    ),
    activity_fields=("last_activity_at",),
)
pagecache.declare(Thread, scopes={"group": "group"})
pagecache.declare(Message, scopes={"thread": "thread"})
pagecache.declare(Membership, scopes={"group": "group"})
pagecache.declare(ThreadRead, silent=True)  # a member's read markers (``reads_label``)

# A deleted group's image leaves storage (core.images).
delete_files_with(Group, "image")
