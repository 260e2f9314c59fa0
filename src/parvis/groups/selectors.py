"""Reads of groups, discussions and messages; visibility comes in pairs.

Two levels of visibility:

- a group is *listed* (its name, description, theme and members' count) for everyone, public
  or private, unless it was deleted (``groups_visible_to`` / ``group_is_visible_to``);
- a group's *content* (discussions, messages, member list, search results) is readable by
  anyone when the group is public, and only by its active members when it is private
  (``group_content_is_readable_by``; ``threads_visible_to`` and ``messages_visible_to`` for
  lists). A member who leaves, is removed or banned loses access at once: only ``active``
  memberships count, read from the database at each request.

Site moderators (staff with the ``groups.change_group`` permission) read everything, deleted
groups included. Everything else that may not be read answers 404.

Moderation (``parvis.moderation``): a group hidden by a moderation decision leaves every list
(groups, directory, portal sections, search, home activity, API) with its discussions and
messages, except for the staff and the people who run it (its owner and moderators:
``runs_group``); its page shows the others a notice, its other pages answer 404. A message
hidden on its own keeps its place in its thread as a notice (``thread_messages``) and leaves
the search results (``messages_visible_to``).
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from parvis.accounts.models import User
from parvis.core.prepared import prepared
from parvis.core.visitors import same_for_every_visitor
from parvis.moderation.selectors import annotate_hidden, visible

from .models import (
    MODERATING_ROLES,
    Ban,
    Group,
    GroupStatus,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    MembershipState,
    Message,
    MessageRevision,
    Role,
    Thread,
    ThreadRead,
    Visibility,
)

# --- who is who ---------------------------------------------------------------------------


def is_site_moderator(user) -> bool:
    """Staff allowed to moderate groups (the "Modérateurs" group, superusers)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("groups.change_group")
    )


def membership_of(user, group) -> Membership | None:
    """The *active* membership of ``user`` in ``group``, or ``None``.

    Remembered on the group instance, so the rules a page checks several times cost one
    query. Call ``forget_membership(group)`` after changing memberships.
    """
    if not user.is_authenticated or group is None or group.pk is None:
        return None
    cache = group.__dict__.setdefault("_parvis_memberships", {})
    if user.pk not in cache:
        cache[user.pk] = Membership.objects.filter(
            group=group, user=user, state=MembershipState.ACTIVE
        ).first()
    return cache[user.pk]


def forget_membership(group):
    group.__dict__.pop("_parvis_memberships", None)
    group.__dict__.pop("_parvis_bans", None)


def role_of(user, group) -> str | None:
    membership = membership_of(user, group)
    return membership.role if membership else None


def is_banned(user, group) -> bool:
    if not user.is_authenticated or group is None or group.pk is None:
        return False
    cache = group.__dict__.setdefault("_parvis_bans", {})
    if user.pk not in cache:
        cache[user.pk] = Ban.objects.filter(group=group, user=user).exists()
    return cache[user.pk]


def active_memberships(user):
    return Membership.objects.filter(user=user, state=MembershipState.ACTIVE)


def runs_group(user, group) -> bool:
    """``user`` is the group's owner or one of its moderators (an active membership)."""
    membership = membership_of(user, group)
    return membership is not None and membership.role in MODERATING_ROLES


def groups_run_filter(user):
    """``Q`` on the groups ``user`` runs (owner or moderator)."""
    return Q(pk__in=active_memberships(user).filter(role__in=MODERATING_ROLES).values("group_id"))


def group_owner(group):
    """The group's current owner (a member), or ``None``."""
    membership = (
        Membership.objects.filter(group=group, role=Role.OWNER, state=MembershipState.ACTIVE)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


# --- visibility pairs ---------------------------------------------------------------------


def groups_visible_to(user):
    """Groups ``user`` may find in lists (public and private ones; not deleted ones; not
    hidden by moderation, except for those who run them)."""
    if is_site_moderator(user):
        return Group.objects.all()
    return visible(Group.objects.exclude(status=GroupStatus.DELETED), user)


def group_is_visible_to(group, user) -> bool:
    return group.status != GroupStatus.DELETED or is_site_moderator(user)


def readable_groups_filter(user, prefix=""):
    """``Q`` on groups whose content ``user`` may read (``prefix``: "thread__group__"...)."""
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC}) & ~Q(
        **{f"{prefix}status": GroupStatus.DELETED}
    )
    if not user.is_authenticated:
        return public
    if is_site_moderator(user):
        return Q()
    mine = Q(**{f"{prefix}pk__in": active_memberships(user).values("group_id")}) & ~Q(
        **{f"{prefix}status": GroupStatus.DELETED}
    )
    return public | mine


def readable_groups_audience(user):
    """Who reads the same groups' content as ``user`` (``readable_groups_filter``): visitors and
    members of no private group read the public ones (``"public"``), site moderators all of
    them, any other member the public ones and the private ones they belong to (named by
    their keys: one query). The search reuses the discussions' and the calls' results for
    everyone with the same answer (``core.search``)."""
    if not user.is_authenticated:
        return "public"
    if is_site_moderator(user):
        return "all"
    private = tuple(
        Group.objects.filter(pk__in=active_memberships(user).values("group_id"))
        .exclude(visibility=Visibility.PUBLIC)
        .exclude(status=GroupStatus.DELETED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return ("private", *private) if private else "public"


def groups_readable_by(user):
    """Groups whose discussions ``user`` may read."""
    return visible(Group.objects.filter(readable_groups_filter(user)), user)


def group_content_is_readable_by(group, user) -> bool:
    """May ``user`` read the discussions, messages and members of ``group``?"""
    if is_site_moderator(user):
        return True
    if group.status == GroupStatus.DELETED:
        return False
    if group.visibility == Visibility.PUBLIC:
        return True
    return membership_of(user, group) is not None


def threads_visible_to(user):
    """Discussions ``user`` may read (not deleted, in a group they may read and not hidden by
    moderation)."""
    return visible(
        Thread.objects.filter(readable_groups_filter(user, "group__"), deleted_at__isnull=True),
        user,
        "group",
    )


def thread_is_visible_to(thread, user) -> bool:
    return thread.deleted_at is None and group_content_is_readable_by(thread.group, user)


def messages_visible_to(user):
    """Messages ``user`` may read, deleted ones included (shown as placeholders), for search
    results and lists: neither the messages hidden by moderation (but for their author) nor
    those of a hidden group."""
    messages = Message.objects.filter(
        readable_groups_filter(user, "thread__group__"), thread__deleted_at__isnull=True
    )
    return visible(visible(messages, user, "thread__group"), user)


def message_is_visible_to(message, user) -> bool:
    return thread_is_visible_to(message.thread, user)


# --- the group list and page --------------------------------------------------------------


@same_for_every_visitor
def group_list(user):
    """Groups ``user`` may find, shaped for the cards (territory, organisation), most
    recently active first. The same for every visitor
    (``same_for_every_visitor``)."""
    return (
        groups_visible_to(user)
        .filter(status__in=(GroupStatus.ACTIVE, GroupStatus.CLOSED))
        .select_related("territory", "organisation")
        .order_by("-last_activity_at", "-pk")
    )


def visitor_group_list(theme, territories):
    """``group_list`` for a visitor, narrowed to ``theme`` (or ``""``) and to each of
    ``territories`` (a commune and an intercommunality at most, as ``in_territory``):
    prepared (``core.prepared``) for the communes and intercommunalities of the list's
    filters, built each time otherwise."""
    from parvis.territories.models import TerritoryKind

    by_kind = {territory.kind: territory for territory in territories}
    if len(by_kind) < len(territories) or not set(by_kind) <= {
        TerritoryKind.COMMUNE,
        TerritoryKind.EPCI,
    }:
        groups = group_list(AnonymousUser())
        groups = groups.filter(theme=theme) if theme else groups
        for territory in territories:
            groups = groups.filter(in_territory(territory))
        return groups
    commune = by_kind.get(TerritoryKind.COMMUNE)
    epci = by_kind.get(TerritoryKind.EPCI)
    return _visitor_group_list(
        theme=theme or None,
        commune=None if commune is None else commune.pk,
        commune_epci=None if commune is None else commune.epci_id,
        epci=None if epci is None else epci.pk,
    )


@prepared("theme", "commune", "commune_epci", "epci")
def _visitor_group_list(theme, commune, commune_epci, epci):
    """``in_territory``'s conditions for a commune and an intercommunality, by their keys."""
    groups = group_list(AnonymousUser())
    if theme is not None:
        groups = groups.filter(theme=theme)
    if commune is not None:
        groups = groups.filter(_in_commune(commune, commune_epci))
    if epci is not None:
        groups = groups.filter(_in_epci(epci))
    return groups


def groups_of(user):
    """Groups ``user`` belongs to (active memberships), most recently active first."""
    if not user.is_authenticated:
        return Group.objects.none()
    return (
        visible(
            Group.objects.filter(memberships__user=user, memberships__state=MembershipState.ACTIVE),
            user,
        )
        .exclude(status=GroupStatus.DELETED)
        .select_related("territory")
        .order_by("-last_activity_at", "-pk")
    )


def in_territory(territory, prefix=""):
    """``Q`` for groups attached to ``territory`` or to a territory inside it; for a commune,
    also the groups of its intercommunality."""
    from parvis.territories.models import TerritoryKind

    field = f"{prefix}territory"
    if territory.kind == TerritoryKind.COMMUNE:
        return _in_commune(territory.pk, territory.epci_id, prefix)
    if territory.kind == TerritoryKind.EPCI:
        return _in_epci(territory.pk, prefix)
    if territory.kind == TerritoryKind.ARRONDISSEMENT:
        return Q(**{f"{field}__arrondissement": territory}) | Q(
            **{
                f"{field}__kind": TerritoryKind.EPCI,
                f"{field}__pk__in": territory_epci_ids(territory),
            }
        )
    if territory.kind == TerritoryKind.DEPARTEMENT:
        return Q(**{f"{field}__departement": territory})
    return Q(pk__in=[])


def _in_commune(commune, epci, prefix=""):
    """``Q`` for groups of the commune ``commune`` or of its intercommunality ``epci`` (keys)."""
    q = Q(**{f"{prefix}territory_id": commune})
    if epci is not None:
        q |= Q(**{f"{prefix}territory_id": epci})
    return q


def _in_epci(epci, prefix=""):
    """``Q`` for groups of the intercommunality ``epci`` or of its communes (a key)."""
    return Q(**{f"{prefix}territory_id": epci}) | Q(**{f"{prefix}territory__epci_id": epci})


def territory_groups_tags(territory):
    """The page cache's tags of the groups ``in_territory(territory)`` selects, and of their
    order by latest activity: a reply or a new group elsewhere leaves such a list as it is."""
    from parvis.core import pagecache
    from parvis.territories.models import TerritoryKind

    label = "groups.group"
    if territory.kind == TerritoryKind.COMMUNE:
        tags = [pagecache.scoped(label, "territory", territory.pk)]
        if territory.epci_id:
            tags.append(pagecache.scoped(label, "territory", territory.epci_id))
    elif territory.kind == TerritoryKind.EPCI:
        # Its own groups, and its communes' (their containers' scope: ``territory_containers``).
        tags = [
            pagecache.scoped(label, "territory", territory.pk),
            pagecache.scoped(label, str(TerritoryKind.EPCI), territory.pk),
        ]
    else:  # an arrondissement's intercommunalities reach beyond it; a département holds all
        tags = [label]
    return [*tags, *(pagecache.activity(tag) for tag in tags)]


def group_list_tags(theme, territories):
    """The page cache's tags of the list of groups filtered by ``theme`` and ``territories``
    (``GroupFilterForm.filters``): the narrowest scope it is filtered on."""
    from parvis.core import pagecache

    if territories:
        return territory_groups_tags(territories[0])
    tags = [pagecache.scoped("groups.group", "theme", theme) if theme else "groups.group"]
    return [*tags, *(pagecache.activity(tag) for tag in tags)]


def territory_epci_ids(arrondissement):
    """EPCI with at least one commune in ``arrondissement`` (a subquery)."""
    from parvis.territories.models import Territory, TerritoryKind

    return (
        Territory.objects.filter(kind=TerritoryKind.COMMUNE, arrondissement=arrondissement)
        .exclude(epci__isnull=True)
        .values("epci_id")
    )


def group_for_page(slug):
    """The group ``slug`` with what its header shows and its moderation state
    (``moderation_hidden``, same query), or ``None`` (visibility checked after)."""
    return _group_for_page(slug=str(slug)).first()


@prepared("slug")
def _group_for_page(slug):
    return annotate_hidden(Group.objects.filter(slug=slug)).select_related(
        "territory", "organisation", "created_by"
    )


def group_threads(group, user):
    """The group's discussions, pinned first then by latest activity, with their author, last
    message and author, and for a member an ``unread`` flag (one query per page)."""
    threads = (
        Thread.objects.filter(group=group, deleted_at__isnull=True)
        .select_related("author", "last_message", "last_message__author")
        .order_by("-pinned", "-last_activity_at", "-pk")
    )
    membership = membership_of(user, group)
    if membership is None:
        return threads
    return threads.annotate(
        read_at=Subquery(
            ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("read_at")[:1]
        )
    )


def mark_unread(threads, membership):
    """Set ``thread.unread`` on each thread of a page from ``group_threads`` (no query):
    activity after the member last read it, and after they joined."""
    for thread in threads:
        read_at = getattr(thread, "read_at", None)
        if membership is None:
            thread.unread = False
        elif read_at is None:
            thread.unread = thread.last_activity_at > membership.joined_at
        else:
            thread.unread = thread.last_activity_at > read_at
    return threads


def group_moderators(group):
    """Owner and moderators of the group, owner first (for the group page)."""
    return (
        Membership.objects.filter(
            group=group, state=MembershipState.ACTIVE, role__in=MODERATING_ROLES
        )
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "pk")
    )


def group_members(group):
    """Active members: owner, then moderators, then members, each by name."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
        .select_related("user", "user__commune")
        .annotate(
            role_order=Case(
                When(role=Role.OWNER, then=Value(0)),
                When(role=Role.MODERATOR, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("role_order", "user__last_name", "user__first_name", "pk")
    )


def group_upcoming_events(group, *, limit=5, now=None):
    """The next public dates of the group's events (from the agenda), soonest first."""
    from parvis.agenda.selectors import public_occurrences

    now = now or timezone.now()
    return list(
        public_occurrences()
        .filter(event__group=group, end__gte=now)
        .order_by("start", "pk")[:limit]
    )


def pending_requests(group):
    return (
        JoinRequest.objects.filter(group=group, status="pending")
        .select_related("user", "user__commune")
        .order_by("created_at", "pk")
    )


def pending_request_of(user, group):
    if not user.is_authenticated:
        return None
    return JoinRequest.objects.filter(group=group, user=user, status="pending").first()


def pending_invitations(group):
    return (
        Invitation.objects.filter(group=group, status=InvitationStatus.PENDING)
        .select_related("invitee", "invited_by")
        .order_by("-created_at", "-pk")
    )


def pending_invitation_of(user, group):
    if not user.is_authenticated:
        return None
    return Invitation.objects.filter(
        group=group, invitee=user, status=InvitationStatus.PENDING
    ).first()


def invitations_pending_for(user):
    """Invitations ``user`` has not answered, newest first (the group is listed even when
    private: an invitation reveals its name and description, not its content)."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(invitee=user, status=InvitationStatus.PENDING)
        .exclude(group__status=GroupStatus.DELETED)
        .select_related("group", "group__territory", "invited_by")
        .order_by("-created_at", "-pk")
    )


def group_bans(group):
    return Ban.objects.filter(group=group).select_related("user", "banned_by")


# --- a discussion's page -------------------------------------------------------------------


def thread_for_page(group, pk):
    """The discussion ``pk`` of ``group`` (not deleted) with its author, or ``None``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    thread = _thread_for_page(group=group.pk, pk=pk).first()
    if thread is not None:
        thread.group = group  # no query for thread.group
    return thread


@prepared("group", "pk")
def _thread_for_page(group, pk):
    return Thread.objects.filter(group_id=group, pk=pk, deleted_at__isnull=True).select_related(
        "author"
    )


def thread_page_count(thread):
    from .models import MESSAGES_PER_PAGE

    return max((thread.message_count - 1) // MESSAGES_PER_PAGE + 1, 1)


def thread_messages(thread, *, page):
    """Messages of page ``page`` (30 a page), in order, with author, quoted message and its
    author, and (prefetched) their mentions: a fixed number of queries whatever the page.

    Positions are dense and stored, so a page is a range of ``position`` over the unique
    index (thread, position): no OFFSET, no count.
    """
    from .models import MESSAGES_PER_PAGE

    first = (page - 1) * MESSAGES_PER_PAGE + 1
    messages = list(_thread_messages(thread=thread.pk, first=first, last=first + MESSAGES_PER_PAGE))
    for message in messages:
        message.thread = thread
        if message.quoted is not None:
            message.quoted.thread = thread
            message.quoted.moderation_hidden = message.quoted_hidden
    return messages


@prepared("thread", "first", "last")
def _thread_messages(thread, first, last):
    messages = Message.objects.filter(thread_id=thread, position__gte=first, position__lt=last)
    # Hidden by moderation: a notice in its place (``moderation_hidden``), and in the quotes
    # of the replies (``quoted_hidden``).
    messages = annotate_hidden(messages)
    messages = annotate_hidden(messages, "quoted", name="quoted_hidden")
    # Not their search document (``search_vector``): the longest column, which no page shows.
    return (
        messages.select_related("author", "quoted", "quoted__author")
        .defer("search_vector", "quoted__search_vector")
        .order_by("position")
    )


def message_in_thread(thread, pk):
    """Message ``pk`` of ``thread`` or ``None``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    message = (
        Message.objects.filter(thread=thread, pk=pk).select_related("author", "quoted").first()
    )
    if message is not None:
        message.thread = thread
    return message


def message_revisions(message):
    return MessageRevision.objects.filter(message=message).order_by("-replaced_at", "-pk")


def thread_read_of(user, thread):
    if not user.is_authenticated:
        return None
    return ThreadRead.objects.filter(user=user, thread=thread).first()


# --- mentions ----------------------------------------------------------------------------


def mentionable_members(group):
    """Active members of ``group`` (only they can be mentioned), with their names."""
    return User.objects.filter(
        is_active=True,
        group_memberships__group=group,
        group_memberships__state=MembershipState.ACTIVE,
    ).only("pk", "first_name", "last_name")
