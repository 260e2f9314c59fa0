"""Demo person-to-person content: comments with replies and reactions on the demo's events
and news posts, follows between residents and of associations, and private conversations
(between residents, and one with an association whose managers answer).

Called by ``parvis.demo.loader.load_plan`` once the agenda and the news exist; the content
comes from ``data/social.yaml``. Dates count back from the moment the demo was first loaded
(``first_load``), like the rest of the demo. Idempotent: an item's comments are keyed on its
first comment's text, a conversation on (its first sender, subject); reactions and follows
are unique per member. Rows are written directly (no services: the demo sends no e-mail).
"""

import datetime as dt

from django.db.models import Q

from parvis.accounts.models import ProfileKind
from parvis.agenda.models import Event, EventStatus
from parvis.comments.models import Comment, Reaction
from parvis.comments.targets import key_of
from parvis.conversations.models import Conversation, Message, Participant, ParticipantRole
from parvis.core.richtext import render_markdown
from parvis.news.models import Follow, Post, PostStatus
from parvis.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    OrganisationRole,
)

from .datafiles import read
from .people import first_load

SOCIAL = read("social")
#: Residents who react to comments start here (after those who write them).
COMMENT_REACTORS_FROM = 6


def _items(kind, organisation_pks, count):
    """The first public events or live posts of the demo's organisations, in a stable order."""
    if kind == "event":
        events = Event.objects.filter(
            status=EventStatus.PUBLISHED, organisation_id__in=organisation_pks.values()
        ).select_related("created_by")
        return [event for event in events.order_by("pk")[: count * 4] if event.is_public][:count]
    posts = Post.objects.filter(status=PostStatus.PUBLISHED).select_related("author")
    return [post for post in posts.order_by("pk")[: count * 4] if post.is_live()][:count]


def _answerer(item):
    return item.created_by_id if isinstance(item, Event) else item.author_id


def _comments(entries, items, residents, anchor):
    created = reactions = 0
    for entry in entries:
        item = items.get((entry["item"], entry["position"]))
        if item is None:
            continue
        target = key_of(item)
        page = target
        if Comment.objects.filter(target=target, body=entry["thread"][0]["body"]).exists():
            continue

        def write(spec, parent=None, target=target, item=item):
            author = _answerer(item) if spec.get("team") else residents[spec["by"]]
            return Comment.objects.create(
                target=target,
                parent=parent,
                author_id=author,
                body=spec["body"],
                body_html=render_markdown(spec["body"]),
                created_at=anchor - dt.timedelta(hours=spec["hours"]),
            )

        first = None
        for spec in entry["thread"]:
            comment = write(spec)
            first = first or comment
            created += 1
            for reply in spec.get("replies", []):
                write(reply, parent=comment)
                created += 1
        kinds = entry.get("reactions", {})
        rows = [
            Reaction(target=target, page=page, user_id=residents[position], kind=kind)
            for position, kind in enumerate(kinds.get("event", []))
            if residents[position] != _answerer(item)
        ]
        rows += [
            Reaction(
                target=key_of(first),
                page=page,
                user_id=residents[COMMENT_REACTORS_FROM + position],
                kind=kind,
            )
            for position, kind in enumerate(kinds.get("comments", []))
        ]
        reactions += len(Reaction.objects.bulk_create(rows, ignore_conflicts=True))
    return created, reactions


def _follows(entries, residents, associations, anchor):
    rows = []
    for entry in entries:
        user = residents[entry["by"]]
        since = anchor - dt.timedelta(days=20 + entry["by"])
        rows += [
            Follow(user_id=user, followed_user_id=residents[position], created_at=since)
            for position in entry.get("residents", [])
        ]
        rows += [
            Follow(user_id=user, organisation_id=associations[position].pk, created_at=since)
            for position in entry.get("associations", [])
            if position < len(associations)
        ]
    wanted = Q()
    for row in rows:
        wanted |= Q(user_id=row.user_id, followed_user_id=row.followed_user_id) & Q(
            organisation_id=row.organisation_id
        )
    existing = {
        (user, followed, organisation)
        for user, followed, organisation in Follow.objects.filter(wanted).values_list(
            "user_id", "followed_user_id", "organisation_id"
        )
    }
    new = [
        row
        for row in rows
        if (row.user_id, row.followed_user_id, row.organisation_id) not in existing
    ]
    Follow.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _conversations(entries, residents, associations, anchor):
    created = messages = 0
    for entry in entries:
        starter = residents[entry["messages"][0]["by"]]
        if Conversation.objects.filter(created_by_id=starter, subject=entry["subject"]).exists():
            continue
        association = None
        team = []
        if "association" in entry:
            association = associations[entry["association"]]
            team = list(
                OrganisationMembership.objects.filter(
                    organisation=association, role=OrganisationRole.MANAGER
                )
                .order_by("pk")
                .values_list("user_id", flat=True)
            )
        first_at = anchor - dt.timedelta(hours=entry["messages"][0]["hours"])
        last_at = anchor - dt.timedelta(hours=entry["messages"][-1]["hours"])
        conversation = Conversation.objects.create(
            subject=entry["subject"],
            created_by_id=starter,
            organisation=association,
            created_at=first_at,
            last_message_at=last_at,
            message_count=len(entry["messages"]),
        )
        members = [residents[position] for position in entry["members"]]
        read_at = {}
        rows = []
        for spec in entry["messages"]:
            sender = team[0] if spec.get("team") else residents[spec["by"]]
            at = anchor - dt.timedelta(hours=spec["hours"])
            rows.append(
                Message(
                    conversation=conversation,
                    sender_id=sender,
                    organisation=association if spec.get("team") else None,
                    body=spec["body"],
                    created_at=at,
                )
            )
            read_at[sender] = at  # each has read up to their own last message
        Message.objects.bulk_create(rows)
        messages += len(rows)
        Participant.objects.bulk_create(
            [
                Participant(
                    conversation=conversation,
                    user_id=pk,
                    role=ParticipantRole.MEMBER,
                    joined_at=first_at,
                    last_read_at=read_at.get(pk),
                )
                for pk in members
            ]
            + [
                Participant(
                    conversation=conversation,
                    user_id=pk,
                    role=ParticipantRole.TEAM,
                    joined_at=first_at,
                    last_read_at=read_at.get(pk, last_at if pk == team[0] else None),
                )
                for pk in team
                if pk not in members
            ]
        )
        created += 1
    return created, messages


def load_social(*, plan, users, organisation_pks):
    """Create the demo's comments, reactions, follows and conversations that are missing."""
    residents = sorted(
        users[person.email]
        for person in plan.people
        if person.kind == ProfileKind.RESIDENT and not person.is_staff and person.commune_id
    )
    empty = {"comments": 0, "reactions": 0, "follows": 0, "conversations": 0}
    if len(residents) < COMMENT_REACTORS_FROM + 4:
        return {**empty, "private messages": 0}
    associations = list(
        Organisation.objects.filter(
            pk__in=organisation_pks.values(),
            kind=OrganisationKind.ASSOCIATION,
            status="verified",
            memberships__role=OrganisationRole.MANAGER,
        )
        .distinct()
        .order_by("pk")
    )
    anchor = first_load()
    items = {}
    for kind in ("event", "post"):
        for position, item in enumerate(_items(kind, organisation_pks, 3)):
            items[(kind, position)] = item
    comments, reactions = _comments(SOCIAL["comments"], items, residents, anchor)
    follows = _follows(SOCIAL["follows"], residents, associations, anchor)
    conversations, messages = 0, 0
    if associations:
        conversations, messages = _conversations(
            SOCIAL["conversations"], residents, associations, anchor
        )
    return {
        "comments": comments,
        "reactions": reactions,
        "follows": follows,
        "conversations": conversations,
        "private messages": messages,
    }
