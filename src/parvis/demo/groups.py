"""Demo groups: a living community on a newcomer's first look.

Called by ``parvis.demo.loader.load_plan`` once the demo members, organisations and events
exist; the groups and their discussions come from ``data/groups.yaml``. Public and private
groups by theme and territory, with members (the demo resident printed by ``load_demo`` belongs
to several, and has an invitation waiting), discussions and replies in French — with a quote,
@mentions, a pinned and a locked discussion — a pending membership request, and a few agenda
events attached to their group.

Reproducible (a random generator seeded from the plan) and idempotent: a group is keyed on
its slug, and a group that exists is left exactly as it is with its content. Rows are
written directly (no services: no activity records, so no notifications for demo content).
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import ProfileKind
from parvis.agenda.models import Event, EventStatus
from parvis.core.richtext import render_markdown
from parvis.groups.mentions import handle_from_names
from parvis.groups.models import (
    Group,
    Invitation,
    JoinPolicy,
    JoinRequest,
    Membership,
    Mention,
    Message,
    Role,
    Thread,
    ThreadRead,
    Visibility,
)
from parvis.territories.models import Territory, TerritoryKind

from .datafiles import read


@dataclass(frozen=True)
class Discussion:
    title: str
    messages: tuple[str, ...]  # the first message, then the replies; "{mention}" = a member
    pinned: bool = False
    locked: bool = False
    quote: int | None = None  # the reply at this index quotes the first message


@dataclass(frozen=True)
class GroupIdea:
    name: str
    slug: str
    theme: str
    description: str
    visibility: str = Visibility.PUBLIC
    join_policy: str = JoinPolicy.OPEN
    commune_code: str = ""  # INSEE code; else ``epci_of`` or the whole département
    epci_of: str = ""  # the EPCI of this commune (INSEE code)
    size: int = 12
    owned_by_association: bool = False
    event_category: str = ""  # attach upcoming events of this category in its territory
    discussions: tuple[Discussion, ...] = field(default_factory=tuple)
    demo_resident: str = ""  # "member" or "invited": the demo resident printed by load_demo
    invitation: str = ""  # the message of the demo resident's invitation


def _group(entry):
    discussions = tuple(
        Discussion(**{**discussion, "messages": tuple(discussion["messages"])})
        for discussion in entry.get("discussions", ())
    )
    return GroupIdea(**{**entry, "discussions": discussions})


GROUPS = read("groups")
IDEAS = tuple(_group(entry) for entry in GROUPS["groups"])


def _commune_by_code(code):
    return Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()


def _territory_for(idea, fallback_communes):
    if idea.commune_code:
        return _commune_by_code(idea.commune_code) or (
            fallback_communes[0] if fallback_communes else None
        )
    if idea.epci_of:
        commune = _commune_by_code(idea.epci_of) or (
            fallback_communes[0] if fallback_communes else None
        )
        return commune.epci if commune is not None and commune.epci_id else None
    return None


@transaction.atomic
def load_groups(*, plan, users, organisation_pks):
    """Create the demo groups that are missing; returns what was created, by kind."""
    rng = random.Random("groups:" + "|".join(person.email for person in plan.people[:3]))
    residents = [
        person
        for person in plan.people
        if person.kind in (ProfileKind.RESIDENT, ProfileKind.OFFICIAL)
    ]
    if not residents:
        return {"groups": 0}
    demo_resident = next(p for p in plan.people if p.kind == ProfileKind.RESIDENT)
    existing = set(
        Group.objects.filter(slug__in=[i.slug for i in IDEAS]).values_list("slug", flat=True)
    )
    fallback_communes = list(
        Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("-population", "code")[:5]
    )
    names = {person.email: (person.first_name, person.last_name) for person in plan.people}
    now = timezone.now()
    associations = sorted(organisation_pks.values())
    created = {"groups": 0, "group members": 0, "discussions": 0, "group messages": 0}
    for index, idea in enumerate(IDEAS):
        if idea.slug in existing:
            continue
        territory = _territory_for(idea, fallback_communes)
        people = rng.sample(residents, min(idea.size, len(residents)))
        if demo_resident in people:
            people.remove(demo_resident)
        if idea.demo_resident == "member":  # the demo resident printed by load_demo
            people.insert(1, demo_resident)
        people = people[: idea.size]
        created_at = now - timedelta(days=120 - index * 7)
        group = Group.objects.create(
            name=idea.name,
            slug=idea.slug,
            theme=idea.theme,
            description=idea.description,
            territory=territory,
            organisation_id=associations[index % len(associations)]
            if idea.owned_by_association and associations
            else None,
            visibility=idea.visibility,
            join_policy=idea.join_policy,
            created_by_id=users[people[0].email],
            created_at=created_at,
            last_activity_at=created_at,
        )
        memberships = []
        for position, person in enumerate(people):
            role = Role.OWNER if position == 0 else Role.MODERATOR if position == 2 else Role.MEMBER
            memberships.append(
                Membership(
                    group=group,
                    user_id=users[person.email],
                    role=role,
                    joined_at=created_at + timedelta(days=position, hours=rng.randint(1, 20)),
                )
            )
        Membership.objects.bulk_create(memberships)
        created["groups"] += 1
        created["group members"] += len(memberships)
        last_activity = created_at
        for number, discussion in enumerate(idea.discussions):
            started = created_at + timedelta(days=10 + number * 9, hours=rng.randint(8, 19))
            authors = [people[0]] + rng.sample(people[1:], min(len(people) - 1, 6))
            thread = Thread.objects.create(
                group=group,
                title=discussion.title,
                author_id=users[authors[0].email],
                created_at=started,
                pinned=discussion.pinned,
                locked=discussion.locked,
            )
            written = started
            message_rows = []
            mentions = []
            for position, text in enumerate(discussion.messages, start=1):
                author = authors[(position - 1) % len(authors)]
                mentioned = None
                if "{mention}" in text:
                    mentioned = next(
                        (p for p in people if p is not author and p is not authors[0]), None
                    )
                    handle = handle_from_names(*names[mentioned.email]) if mentioned else ""
                    text = text.replace("{mention}", "@" + handle if handle else "")
                written = written + timedelta(hours=rng.randint(1, 30), minutes=rng.randint(0, 59))
                message_rows.append(
                    Message(
                        thread=thread,
                        position=position,
                        author_id=users[author.email],
                        body=text,
                        body_html=render_markdown(text),
                        created_at=written,
                    )
                )
                if mentioned is not None:
                    mentions.append((position, users[mentioned.email]))
            Message.objects.bulk_create(message_rows)
            by_position = {m.position: m for m in Message.objects.filter(thread=thread)}
            if discussion.quote and discussion.quote + 1 in by_position:
                reply = by_position[discussion.quote + 1]
                reply.quoted = by_position[1]
                reply.save(update_fields=["quoted"])
            Mention.objects.bulk_create(
                [
                    Mention(
                        message=by_position[position],
                        user_id=user_pk,
                        created_at=by_position[position].created_at,
                    )
                    for position, user_pk in mentions
                ]
            )
            last = by_position[len(message_rows)]
            thread.message_count = len(message_rows)
            thread.last_message = last
            thread.last_activity_at = last.created_at
            thread.save(update_fields=["message_count", "last_message", "last_activity_at"])
            # The owner has read everything so far: the others see unread markers.
            ThreadRead.objects.create(
                thread=thread,
                user_id=users[people[0].email],
                read_at=last.created_at,
                last_position=last.position,
            )
            last_activity = max(last_activity, last.created_at)
            created["discussions"] += 1
            created["group messages"] += len(message_rows)
        group.member_count = len(memberships)
        group.thread_count = len(idea.discussions)
        group.last_activity_at = last_activity
        group.save(update_fields=["member_count", "thread_count", "last_activity_at"])
        _attach_events(group, idea, rng)
        _pending_requests_and_invitations(group, idea, people, residents, users, demo_resident, now)
    return created


def _attach_events(group, idea, rng):
    """Give the group a few upcoming published events of its theme, in its territory."""
    if not idea.event_category and not group.organisation_id:
        return
    events = Event.objects.filter(
        status=EventStatus.PUBLISHED, group__isnull=True, end__gte=timezone.now()
    )
    if group.organisation_id:
        events = events.filter(organisation_id=group.organisation_id)
    else:
        events = events.filter(category__slug=idea.event_category)
        if group.territory is not None and group.territory.kind == TerritoryKind.COMMUNE:
            events = events.filter(commune=group.territory)
        elif group.territory is not None:
            events = events.filter(commune__epci=group.territory)
    pks = list(events.order_by("start", "pk").values_list("pk", flat=True)[:3])
    Event.objects.filter(pk__in=pks).update(group=group)


def _pending_requests_and_invitations(group, idea, people, residents, users, demo_resident, now):
    """A request awaiting the moderators of request-only groups; an invitation for the demo
    resident to the groups that say so."""
    outsiders = [
        person for person in residents if person not in people and person is not demo_resident
    ]
    if idea.join_policy == JoinPolicy.REQUEST and outsiders:
        JoinRequest.objects.create(
            group=group,
            user_id=users[outsiders[0].email],
            message=GROUPS["join_request"],
            created_at=now - timedelta(days=2),
        )
    if idea.demo_resident == "invited" and demo_resident not in people:
        Invitation.objects.create(
            group=group,
            invitee_id=users[demo_resident.email],
            invited_by_id=users[people[0].email],
            message=idea.invitation,
            created_at=now - timedelta(days=1),
        )


def groups_totals(users):
    """Demo groups and their discussions, for the summary."""
    groups = Group.objects.filter(slug__in=[idea.slug for idea in IDEAS])
    return {
        "groups": groups.count(),
        "private groups": groups.filter(visibility=Visibility.PRIVATE).count(),
        "discussions": Thread.objects.filter(group__in=groups).count(),
        "group messages": Message.objects.filter(thread__group__in=groups).count(),
    }
