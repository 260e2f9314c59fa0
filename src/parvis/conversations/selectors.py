"""Reads of the private conversations: who takes part, what each participant may see, the
conversation list and its search, the header's unread count.

Visibility comes in a pair, as elsewhere: ``conversations_of(user)`` for lists and
``participation_in(conversation, user)`` for a page. Only participants see a conversation:
moderators and staff included, who see a message only once it is reported (through the
moderation registry), never a conversation.
"""

from contextlib import suppress

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from parvis.accounts.models import User, VerificationStatus
from parvis.moderation.selectors import visible
from parvis.organisations.models import OrganisationRole

from .models import (
    AcceptFrom,
    Block,
    Conversation,
    Delegation,
    Message,
    MessagingPreference,
    OrganisationContact,
    Participant,
    ParticipantRole,
)

#: The header counts unread conversations up to this many ("99+" beyond).
UNREAD_CAP = 99


# --- teams ----------------------------------------------------------------------------------


def organisation_team(organisation):
    """The active managers of ``organisation``: they read and answer its messages."""
    return User.objects.filter(
        is_active=True,
        organisation_memberships__organisation=organisation,
        organisation_memberships__role=OrganisationRole.MANAGER,
    )


def official_team(official):
    """``official`` and the active members they delegate their messages to."""
    return User.objects.filter(
        Q(pk=official.pk) | Q(message_delegations__official=official), is_active=True
    ).distinct()


def team_of(conversation):
    """The current team answering for the conversation's organisation or official (a
    queryset), or ``None`` for a conversation between members."""
    if conversation.organisation_id:
        return organisation_team(conversation.organisation_id)
    if conversation.official_id:
        return official_team(conversation.official)
    return None


def is_verified_official(user) -> bool:
    return user.is_active and user.mandates.filter(status=VerificationStatus.VERIFIED).exists()


def delegations_of(official):
    return Delegation.objects.filter(official=official).select_related("delegate")


def managed_organisations(user):
    """The organisations ``user`` manages, each with ``contact_open``."""
    from parvis.organisations.models import Organisation

    return (
        Organisation.objects.filter(
            memberships__user=user, memberships__role=OrganisationRole.MANAGER
        )
        .annotate(
            contact_closed=Exists(
                OrganisationContact.objects.filter(organisation=OuterRef("pk"), open=False)
            )
        )
        .order_by("name", "pk")
    )


def organisation_contact_open(organisation) -> bool:
    return not OrganisationContact.objects.filter(organisation=organisation, open=False).exists()


def preference_of(user) -> MessagingPreference:
    """The member's messaging choices (unsaved defaults when they never chose)."""
    found = MessagingPreference.objects.filter(user=user).first()
    return found or MessagingPreference(user=user)


# --- blocks ---------------------------------------------------------------------------------


def blocked_ids(user) -> set[int]:
    """The members ``user`` blocked."""
    return set(Block.objects.filter(blocker=user).values_list("blocked_id", flat=True))


def blocks_of(user):
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def has_blocked(blocker, blocked) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


# --- who may write to whom -----------------------------------------------------------------


def refusal_to_write(author, recipient) -> str:
    """Why ``author`` may not start a conversation with ``recipient`` (in the active
    language), or ``""``."""
    name = recipient.get_full_name()
    if not recipient.is_active or recipient.is_erased:
        return _("%(name)s's account is closed: they cannot receive messages.") % {"name": name}
    if recipient.pk == author.pk:
        return _("You cannot write to yourself.")
    if has_blocked(recipient, author):
        return _("%(name)s does not accept your messages.") % {"name": name}
    accept_from = preference_of(recipient).accept_from
    if accept_from == AcceptFrom.NOBODY:
        return _("%(name)s does not receive private messages.") % {"name": name}
    if accept_from == AcceptFrom.FOLLOWED and not _follows(recipient, author):
        return _("%(name)s only receives messages from the people they follow.") % {"name": name}
    return ""


def _follows(member, other) -> bool:
    from parvis.news.models import Follow

    return Follow.objects.filter(user=member, followed_user=other).exists()


# --- one conversation -----------------------------------------------------------------------


def participation_in(conversation, user):
    """The active ``Participant`` row of ``user`` in ``conversation``, or ``None`` (a team
    member who left the team no longer reads it)."""
    if not user.is_authenticated:
        return None
    participant = Participant.objects.filter(
        conversation=conversation, user=user, left_at__isnull=True
    ).first()
    if participant is None:
        return None
    if participant.role == ParticipantRole.TEAM:
        team = team_of(conversation)
        if team is None or not team.filter(pk=user.pk).exists():
            return None
    return participant


def conversation_for(pk, user):
    """The conversation ``pk`` as ``user`` reads it, carrying ``participation`` and its
    active participants (``active_participants``), or ``None`` when ``user`` takes no part."""
    if not user.is_authenticated:
        return None
    conversation = (
        Conversation.objects.filter(pk=pk)
        .select_related("organisation", "official", "event")
        .prefetch_related(_active_participants())
        .first()
    )
    if conversation is None:
        return None
    participation = participation_in(conversation, user)
    if participation is None:
        return None
    conversation.participation = participation
    return conversation


def message_is_visible_to(message, user) -> bool:
    """Whether ``user`` may read (and so report) ``message``: a participant of its
    conversation, unless they blocked its sender."""
    if not user.is_authenticated:
        return False
    if participation_in(message.conversation, user) is None:
        return False
    return message.sender_id is None or not has_blocked(user, message.sender)


def messages_for(conversation, user):
    """The messages of ``conversation`` that ``user`` reads, oldest first: not those of the
    members they blocked, nor those hidden by moderation (except their own)."""
    queryset = (
        Message.objects.filter(conversation=conversation)
        .exclude(sender__in=Block.objects.filter(blocker=user).values("blocked"))
        .select_related("sender", "organisation")
    )
    return visible(queryset, user).order_by("created_at", "pk")


# --- the list -------------------------------------------------------------------------------


def _active_participants():
    return Prefetch(
        "participants",
        queryset=Participant.objects.filter(left_at__isnull=True)
        .select_related("user")
        .order_by("role", "joined_at", "pk"),
        to_attr="active_participants",
    )


def _mine(user):
    return Participant.objects.filter(conversation=OuterRef("pk"), user=user, left_at__isnull=True)


def conversations_of(user, *, query: str = ""):
    """The conversations ``user`` takes part in, latest activity first, each carrying
    ``last_read_at``, ``unread`` and ``active_participants`` (two queries a page). Those whose
    only other members ``user`` blocked are left out. ``query`` searches the subject, the
    participants' names and the messages."""
    mine = _mine(user)
    blocked = Block.objects.filter(blocker=user).values("blocked")
    others_not_blocked = Participant.objects.filter(
        conversation=OuterRef("pk"), left_at__isnull=True
    ).exclude(user=user)
    queryset = (
        Conversation.objects.filter(Exists(mine))
        .filter(
            Q(organisation__isnull=False)
            | Q(official__isnull=False)
            | Exists(others_not_blocked.exclude(user__in=blocked))
        )
        .annotate(last_read_at=Subquery(mine.values("last_read_at")[:1]))
        .annotate(
            unread=ExpressionWrapper(
                Q(last_read_at__isnull=True) | Q(last_message_at__gt=F("last_read_at")),
                output_field=BooleanField(),
            )
        )
        .select_related("organisation", "official")
        .prefetch_related(_active_participants())
        .order_by("-last_message_at", "-pk")
    )
    words = (query or "").split()[:6]
    for word in words:
        in_messages = (
            Message.objects.filter(
                conversation=OuterRef("pk"), body__icontains=word, removed_at__isnull=True
            )
            .exclude(sender__in=blocked)
            .values("pk")[:1]
        )
        named = Participant.objects.filter(
            conversation=OuterRef("pk"), left_at__isnull=True
        ).filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word))
        queryset = queryset.filter(
            Q(subject__icontains=word)
            | Q(organisation__name__icontains=word)
            | Exists(named)
            | Exists(in_messages)
        )
    return queryset


#: The header's count is cached this long; sending, reading, leaving and blocking forget it.
UNREAD_CACHE_SECONDS = 300
CACHE_ERRORS = (RedisError, OSError)


def unread_cache_key(member_id) -> str:
    return f"conversations:unread:{member_id}"


def forget_unread(member_ids) -> None:
    """Forget the cached counts of ``member_ids`` (after the commit of what changed them)."""
    keys = [unread_cache_key(pk) for pk in member_ids]
    with suppress(*CACHE_ERRORS):
        cache.delete_many(keys)


def unread_count(user) -> int:
    """How many of ``user``'s conversations have a message they have not read, counted up to
    ``UNREAD_CAP + 1`` (one query over the participant rows) and cached: most pages cost no
    query for it."""
    key = unread_cache_key(user.pk)
    try:
        count = cache.get(key)
    except CACHE_ERRORS:  # Redis down: the page still shows, with one query
        count = None
    if count is None:
        count = (
            Participant.objects.filter(user=user, left_at__isnull=True)
            .filter(
                Q(last_read_at__isnull=True)
                | Q(conversation__last_message_at__gt=F("last_read_at"))
            )
            .order_by()
            .values("pk")[: UNREAD_CAP + 1]
            .count()
        )
        with suppress(*CACHE_ERRORS):
            cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


# --- how a conversation names its people ----------------------------------------------------


def deleted_account_label() -> str:
    return _("Deleted account")


def person_label(user) -> str:
    if user is None or user.is_erased or not user.is_active:
        return deleted_account_label()
    return user.get_full_name()


def sender_label(message, conversation) -> str:
    """Who wrote ``message``, as every participant reads it."""
    if message.sender is None or message.sender.is_erased:
        return deleted_account_label()
    if message.organisation_id:
        return message.organisation.name
    if message.for_official and conversation.official_id:
        return _("%(delegate)s for %(official)s") % {
            "delegate": message.sender.get_full_name(),
            "official": conversation.official.get_full_name(),
        }
    return message.sender.get_full_name()


def counterparts(conversation, viewer) -> list[str]:
    """The names of the other side(s) of ``conversation`` for ``viewer`` (from the prefetched
    ``active_participants``, no query)."""
    participants = getattr(conversation, "active_participants", [])
    on_team = any(p.user_id == viewer.pk and p.role == ParticipantRole.TEAM for p in participants)
    names = []
    if not on_team:
        if conversation.organisation_id:
            names.append(conversation.organisation.name)
        elif conversation.official_id:
            names.append(person_label(conversation.official))
    for participant in participants:
        if participant.user_id == viewer.pk or participant.role == ParticipantRole.TEAM:
            continue
        names.append(person_label(participant.user))
    return names or [_("Nobody else")]


def conversation_title(conversation, viewer) -> str:
    return conversation.subject or ", ".join(counterparts(conversation, viewer))
