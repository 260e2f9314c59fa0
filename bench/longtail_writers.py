"""Members writing while the long tail is read: a few writes a second through the services.

``Writers`` picks real members of the seeded data with the right to do each thing and calls
the project's services, as the views would: a reply in a discussion of one of their groups
(``groups.services.message_post``), a new discussion (``thread_create``), "I'm going" to a
date to come (``agenda.services.rsvp_create``), a new event (``event_create``: an
organisation's manager for a verified organisation, published at once, or a resident,
awaiting review), a follow (``news.services.follow_create``: a commune, an intercommunality or
a verified organisation) and a profile edit (``accounts.services.profile_update``). A write the
service refuses is a failure, recorded with its message.

As a process (``bench/longtail.py`` starts it with the servers' environment)::

    python bench/longtail_writers.py --rate 2 --out writes.json

it loads its pools, prints ``ready``, writes ``--rate`` times a second (kinds drawn by
``MIX``) until it gets SIGTERM (or ``--duration`` has passed), then writes every write's
moment, kind, outcome and duration to ``--out`` (JSON).
"""

import argparse
import datetime as dt
import json
import random
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path

#: The kinds of writes and how often each is drawn (a reply is the commonest).
MIX = {"reply": 4, "thread": 1, "rsvp": 2, "event": 1, "follow": 1, "profile": 1}
#: Discussions written in: the most recently active (an evening's live conversations).
LIVE_THREADS = 2_000
#: Dates people RSVP to: from now to this many days ahead.
RSVP_DAYS = 30
REPLIES = (
    "Merci pour l'information, je transmets aux voisins.",
    "Bonne idée ! Je peux venir donner un coup de main samedi matin.",
    "Est-ce que quelqu'un sait si le parking de la mairie sera ouvert ?",
    "Je confirme, c'était très réussi l'an dernier.",
    "On en reparle à la prochaine réunion, je note le point à l'ordre du jour.",
    "Je ne pourrai pas être là, mais je suis de tout cœur avec vous.",
)
TITLES = (
    "Covoiturage pour la réunion de jeudi",
    "Idées pour la fête de quartier",
    "Qui a des nouvelles du projet de jardin ?",
    "Horaires de la déchetterie cet hiver",
    "Bénévoles pour le marché de Noël",
)
EVENTS = (
    ("Soirée jeux de société", "Venez jouer en famille, jeux fournis."),
    ("Atelier réparation de vélos", "Apportez votre vélo, les bénévoles vous aident."),
    ("Conférence sur l'histoire locale", "Une heure d'histoire avec la société historique."),
    ("Collecte de jouets", "Déposez les jouets en bon état, ils seront redistribués."),
)
BIOS = (
    "Habitant du village depuis dix ans, bénévole au club de foot.",
    "Jardinière amatrice, toujours partante pour un atelier.",
    "J'aime la randonnée et les vieilles pierres.",
    "",
)


class Writers:
    """The pools of members and things to write about, read once from the database; each
    method performs one write of its kind through the services (raising when refused)."""

    def __init__(self, seed=60, mix=None):
        from django.utils import timezone

        from parvis.accounts.models import VerificationStatus
        from parvis.agenda.models import Category, EventOccurrence, EventStatus
        from parvis.groups.models import Group, GroupStatus, Membership, MembershipState, Thread
        from parvis.organisations.models import OrganisationMembership, OrganisationRole
        from parvis.territories.models import Territory, TerritoryKind

        self.rng = random.Random(f"{seed}:writers")
        self.mix = dict(mix or MIX)
        now = timezone.now()
        self.members_of = defaultdict(list)
        for group_id, user_id in Membership.objects.filter(
            state=MembershipState.ACTIVE, group__status=GroupStatus.ACTIVE
        ).values_list("group_id", "user_id"):
            self.members_of[group_id].append(user_id)
        self.groups = sorted(self.members_of)
        self.threads = list(
            Thread.objects.filter(
                deleted_at__isnull=True,
                locked=False,
                group__status=GroupStatus.ACTIVE,
                group_id__in=self.groups,
            )
            .order_by("-last_activity_at", "pk")
            .values_list("pk", "group_id")[:LIVE_THREADS]
        )
        self.members = sorted({user for users in self.members_of.values() for user in users})
        self.occurrences = list(
            EventOccurrence.objects.filter(
                event__status=EventStatus.PUBLISHED,
                start__gt=now,
                start__lt=now + dt.timedelta(days=RSVP_DAYS),
                event__capacity__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.managers = list(
            OrganisationMembership.objects.filter(
                role=OrganisationRole.MANAGER,
                organisation__status=VerificationStatus.VERIFIED,
            )
            .order_by("pk")
            .values_list("organisation_id", "user_id")
        )
        self.categories = list(Category.objects.filter(is_active=True).order_by("pk"))
        territories = Territory.objects.order_by("pk")
        self.communes = list(territories.filter(kind=TerritoryKind.COMMUNE))
        self.epcis = list(territories.filter(kind=TerritoryKind.EPCI))
        self.group_model = Group
        missing = [
            name
            for name in ("threads", "members", "occurrences", "managers", "categories", "communes")
            if not getattr(self, name)
        ]
        if missing:
            raise SystemExit(f"Nothing to write about ({', '.join(missing)}): seed the database.")

    # --- the writes ---------------------------------------------------------------------

    def _user(self, pk):
        from parvis.accounts.models import User

        return User.objects.select_related("commune").get(pk=pk)

    def reply(self):
        from parvis.groups.models import Thread
        from parvis.groups.services import message_post

        thread_pk, group_pk = self.rng.choice(self.threads)
        author = self._user(self.rng.choice(self.members_of[group_pk]))
        thread = Thread.objects.select_related("group").get(pk=thread_pk)
        return message_post(thread=thread, author=author, body=self.rng.choice(REPLIES))

    def thread(self):
        from parvis.groups.services import thread_create

        group = self.group_model.objects.get(pk=self.rng.choice(self.groups))
        author = self._user(self.rng.choice(self.members_of[group.pk]))
        thread = thread_create(
            group=group,
            author=author,
            title=self.rng.choice(TITLES),
            body=self.rng.choice(REPLIES),
        )
        self.threads.append((thread.pk, group.pk))
        return thread

    def rsvp(self):
        from parvis.agenda.models import EventOccurrence
        from parvis.agenda.services import rsvp_create

        occurrence = EventOccurrence.objects.select_related("event").get(
            pk=self.rng.choice(self.occurrences)
        )
        return rsvp_create(occurrence=occurrence, user=self._user(self.rng.choice(self.members)))

    def event(self):
        from django.utils import timezone

        from parvis.agenda.services import event_create
        from parvis.organisations.models import Organisation

        organisation = None
        if self.rng.random() < 0.7:  # most events come from associations and institutions
            organisation_pk, author_pk = self.rng.choice(self.managers)
            organisation = Organisation.objects.get(pk=organisation_pk)
        else:
            author_pk = self.rng.choice(self.members)
        author = self._user(author_pk)
        commune = author.commune or self.rng.choice(self.communes)
        start = (timezone.now() + dt.timedelta(days=self.rng.randint(1, 60))).replace(
            minute=0, second=0, microsecond=0
        )
        title, description = self.rng.choice(EVENTS)
        return event_create(
            author=author,
            data={
                "title": title,
                "description": description,
                "category": self.rng.choice(self.categories),
                "start": start,
                "end": start + dt.timedelta(hours=2),
                "venue_name": "Salle des fêtes",
                "address": "1 place de la Mairie",
                "commune": commune,
                "organisation": organisation,
                "is_free": True,
            },
        )

    def follow(self):
        from parvis.news.services import follow_create
        from parvis.organisations.models import Organisation

        user = self._user(self.rng.choice(self.members))
        roll = self.rng.random()
        if roll < 0.5:
            target = self.rng.choice(self.communes)
        elif roll < 0.7 and self.epcis:
            target = self.rng.choice(self.epcis)
        else:
            target = Organisation.objects.get(pk=self.rng.choice(self.managers)[0])
        return follow_create(user=user, target=target)

    def profile(self):
        from parvis.accounts.services import profile_update

        user = self._user(self.rng.choice(self.members))
        return profile_update(user=user, bio=self.rng.choice(BIOS))

    # --- the loop -----------------------------------------------------------------------

    def perform(self, kind):
        """One write of ``kind`` (a key of ``MIX``); raises what the service raised."""
        return getattr(self, kind)()

    def write(self):
        """One write of a kind drawn by ``mix``: ``(kind, error)``, ``error`` being ``""``
        when it succeeded, else the exception's class and message."""
        kinds = list(self.mix)
        kind = self.rng.choices(kinds, weights=[self.mix[k] for k in kinds])[0]
        try:
            self.perform(kind)
        except Exception as error:  # noqa: BLE001 - a refused or failed write is reported
            return kind, f"{type(error).__name__}: {error}"[:300]
        return kind, ""


def run(writers, rate, duration=None, stop=lambda: False):
    """Write ``rate`` times a second (at a steady pace; after a slow write the next ones
    catch up without bursting past a second's worth) until ``stop()`` or ``duration``.
    Returns ``[[unix time, kind, error, milliseconds], ...]``."""
    interval = 1 / rate
    started = time.monotonic()
    next_at = started
    done = []
    while not stop() and (duration is None or time.monotonic() - started < duration):
        now = time.monotonic()
        if now < next_at:
            time.sleep(min(next_at - now, 0.1))
            continue
        next_at = max(next_at + interval, now - 1)
        moment, begun = time.time(), time.perf_counter()
        kind, error = writers.write()
        done.append([moment, kind, error, round((time.perf_counter() - begun) * 1000, 1)])
    return done


def summarise(writes, since=None, until=None):
    """``{kind: {"ok": n, "failed": n, "ms": mean}}`` and the distinct errors, of the writes
    made between ``since`` and ``until`` (unix times; all of them by default)."""
    kinds, errors = {}, {}
    for moment, kind, error, ms in writes:
        if (since is not None and moment < since) or (until is not None and moment > until):
            continue
        row = kinds.setdefault(kind, {"ok": 0, "failed": 0, "ms": 0.0})
        row["failed" if error else "ok"] += 1
        row["ms"] += ms
        if error:
            errors[error] = errors.get(error, 0) + 1
    for row in kinds.values():
        row["ms"] = round(row["ms"] / (row["ok"] + row["failed"]), 1)
    return kinds, errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=2.0, help="writes a second (default 2)")
    parser.add_argument("--duration", type=float, help="seconds (default: until SIGTERM)")
    parser.add_argument("--seed", type=int, default=60)
    parser.add_argument("--out", required=True, help="the JSON file of the writes made")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.seed import setup_django

    setup_django()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    writers = Writers(seed=args.seed)
    print("ready", flush=True)
    writes = run(writers, args.rate, args.duration, stop=lambda: bool(stopping))
    Path(args.out).write_text(json.dumps({"rate": args.rate, "writes": writes}))


if __name__ == "__main__":
    main()
