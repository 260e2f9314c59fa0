"""A reproducible Oise-scale dataset on PostgreSQL, for measuring pages at the size of a whole
département (``docs/performance.md``; the benchmark of issue 7 builds on it).

Scale 1.0 (``FULL_SCALE``) is 100,000 members spread over the 680 communes by population,
10,000 organisations with their managers (the first is the departmental council), 200,000
events over two years around the anchor day (40% recurring: weekly for 2 to 8 weeks, every
other week on two days, monthly on "the 2nd Tuesday"), expanded into some 520,000 dates (about
700 a day), with participants; 5,000 groups (a quarter private) with 150,000 memberships,
100,000 discussions and 2,000,000 messages (a long tail: a median discussion has ~10, the
longest well over a thousand; 8% of the replies quote an earlier one, 4% @mention a member;
read markers of a few members per discussion); 20,000 information posts and 150,000 follows;
200 consultations with 300,000 responses (and their ~1,000,000 answers); 500,000 notifications.
``--scale 0.01`` and ``--scale 0.1`` give the 1% and 10% versions. The same seed, scale and
anchor give the same data: every step draws from its own random generator (``"<seed>:<step>"``)
and refers to earlier rows by their rank, not their primary key. The denormalised columns
(``Group.member_count``, ``thread_count``, ``last_activity_at``; ``Thread.message_count``,
``last_message``; dense ``Message.position``; ``Consultation.response_count``) are what the
services would have kept; ``tests/bench/test_seed.py`` checks them.

Run it on a database of its own (its name must contain "bench"), migrated, with the Oise
imported::

    createdb -h 127.0.0.1 -U postgres parvis_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/parvis_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py import_territory 60
    .venv/bin/python bench/seed.py --scale 1 --reset

``--reset`` empties the seeded tables first (``TRUNCATE … RESTART IDENTITY CASCADE``). Rows are
written in batches, with ``bulk_create`` or, for the large tables, PostgreSQL's ``COPY`` (no
services, no e-mail, no activity records; the database's triggers run, e.g. the messages'
search documents), then the tables are ``ANALYZE``d. Members log in with ``BENCH_PASSWORD``;
their addresses are ``membre000001@bench.parvis.example`` and so on.

Extending it (groups, discussion messages, posts... as those capabilities land): write a
``seed_<things>(ctx)`` function that reads what it needs from ``ctx`` (``ctx.members``,
``ctx.organisations``, ``ctx.rng("<things>")``, ``ctx.count("<things>")``), add its full-scale
count to ``FULL_SCALE``, its tables to ``RESET_MODELS`` and the function to ``STEPS``.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from dataclasses import dataclass, field
from itertools import accumulate

#: Row counts at ``--scale 1``.
FULL_SCALE = {
    "members": 100_000,
    "organisations": 10_000,
    "events": 200_000,
    "groups": 5_000,
    "memberships": 150_000,  # of the groups, owners and moderators included
    "threads": 100_000,
    "messages": 2_000_000,
    "posts": 20_000,
    "follows": 150_000,
    "consultations": 200,
    "responses": 300_000,  # to the consultations, each with its answers to the questions
    "notifications": 500_000,
}
#: Each step's minimum, so that a tiny scale still has something of each kind.
MINIMUM = {
    "members": 50,
    "organisations": 10,
    "events": 100,
    "groups": 10,
    "memberships": 60,
    "threads": 30,
    "messages": 150,
    "posts": 20,
    "follows": 50,
    "consultations": 3,
    "responses": 40,
    "notifications": 100,
}
COUNCIL_NAME = "Conseil départemental de l'Oise"
BENCH_DOMAIN = "bench.parvis.example"
BENCH_PASSWORD = "bench-parvis-2026"
DEFAULT_SEED = 60
BATCH = 5_000
#: Groups written per transaction, and discussions whose messages are interleaved in time.
GROUP_BATCH = 1_000
THREAD_WINDOW = 2_000
#: At most this share of a consultation's audience answers it.
MAX_PARTICIPATION = 0.6
#: Events: days before and after the anchor day.
EVENT_SPAN_DAYS = 365

CATEGORY_WEIGHTS = {
    "culture": 30,
    "sport": 20,
    "vie-associative": 12,
    "citoyennete": 8,
    "environnement": 8,
    "solidarite": 8,
    "jeunesse": 8,
    "patrimoine": 6,
}
STATUS_WEIGHTS = {
    "published": 88,
    "cancelled": 3,
    "submitted": 4,
    "draft": 3,
    "rejected": 2,
}
FILLERS = [
    "Entrée libre dans la limite des places disponibles.",
    "Venez en famille, les enfants sont les bienvenus.",
    "Une buvette tenue par les bénévoles sera ouverte.",
    "Parking gratuit à proximité, accès en bus possible.",
    "Inscription conseillée auprès des organisateurs.",
    "Le théâtre, la musique et la danse sont à l'honneur.",
    "Randonnée, balade et découverte du patrimoine local.",
    "Rencontre avec les élus et les habitants du quartier.",
    "Atelier pratique animé par des bénévoles passionnés.",
    "Exposition de photographies et de peintures d'artistes locaux.",
    "Collecte solidaire au profit des associations caritatives.",
    "Conférence suivie d'un débat et d'un pot de l'amitié.",
]


def setup_django():
    """Make the ``parvis`` package importable from a checkout and configure Django."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    source = os.path.join(root, "src")
    if source not in sys.path:
        sys.path.insert(0, source)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()


class Progress:
    """A progress bar on the terminal (standard error), refreshed at most twice a second."""

    def __init__(self, label, total, out=None):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.out = out if out is not None else sys.stderr
        self.started = self.shown = time.monotonic()
        self._show()

    def advance(self, count):
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 0.5:
            self.shown = now
            self._show()

    def finish(self):
        self._show(end="\n")

    def _show(self, end=""):
        share = min(self.done / self.total, 1)
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - self.started
        self.out.write(
            f"\r{self.label:<14} [{bar:<30}] {share:4.0%} {self.done:>9,}/{self.total:,}"
            f"  {elapsed:6.1f} s{end}"
        )
        self.out.flush()


@dataclass
class Context:
    """What the steps share: the parameters, the territory and the rows written so far."""

    scale: float
    seed: int
    anchor: dt.date
    out: object = None
    communes: list = field(default_factory=list)  # (pk, name, epci_id, arrondissement_id)
    commune_weights: list = field(default_factory=list)  # cumulative populations
    members: list = field(default_factory=list)  # member pks, by rank
    member_communes: list = field(default_factory=list)  # commune rank of each member
    member_handles: list = field(default_factory=list)  # @mention handle of each member
    organisations: list = field(default_factory=list)  # (pk, commune rank, manager pk, verified)
    institutions: list = field(default_factory=list)  # organisation ranks of institutions
    events: list = field(default_factory=list)  # event pks, by rank
    groups: list = field(default_factory=list)  # (pk, name, is public, created at), by rank
    group_members: list = field(default_factory=list)  # active member ranks, owner first
    threads: list = field(default_factory=list)  # (pk, group rank, title), by rank
    counts: dict = field(default_factory=dict)  # rows written, by table
    timings: dict = field(default_factory=dict)  # seconds, by step
    _pools: tuple = None

    @property
    def end(self):
        """The moment the dataset's past ends (midnight UTC starting the anchor day): messages,
        answers and notifications are all written before it."""
        return dt.datetime.combine(self.anchor, dt.time(0), tzinfo=dt.UTC)

    def count(self, step):
        return max(round(FULL_SCALE[step] * self.scale), MINIMUM.get(step, 1))

    def rng(self, step):
        return random.Random(f"{self.seed}:{step}")

    def pick_communes(self, rng, k):
        """``k`` commune ranks drawn by population."""
        return rng.choices(range(len(self.communes)), cum_weights=self.commune_weights, k=k)

    def progress(self, label, total):
        return Progress(label, total, self.out)

    def wrote(self, table, rows):
        self.counts[table] = self.counts.get(table, 0) + rows

    def member_pools(self):
        """Member ranks by commune rank and by EPCI pk (computed once)."""
        if self._pools is None:
            by_commune, by_epci = {}, {}
            for rank, commune in enumerate(self.member_communes):
                by_commune.setdefault(commune, []).append(rank)
            for commune, ranks in by_commune.items():
                epci = self.communes[commune][2]
                if epci:
                    by_epci.setdefault(epci, []).extend(ranks)
            self._pools = by_commune, by_epci
        return self._pools


# --- steps --------------------------------------------------------------------------------------


def load_territory(ctx):
    from parvis.territories.models import Territory, TerritoryKind

    rows = list(
        Territory.objects.filter(kind=TerritoryKind.COMMUNE)
        .order_by("code")
        .values_list("pk", "name", "epci_id", "arrondissement_id", "population")
    )
    if not rows:
        raise SystemExit("No commune: import the territory first (manage.py import_territory 60).")
    ctx.communes = [row[:4] for row in rows]
    ctx.commune_weights = list(accumulate(max(row[4], 1) for row in rows))


def _password_hash():
    from django.contrib.auth.hashers import get_hasher, make_password

    try:  # few iterations, as the demo does: the password is public
        hasher = get_hasher("pbkdf2_sha256")
    except ValueError:
        return make_password(BENCH_PASSWORD)
    return hasher.encode(BENCH_PASSWORD, hasher.salt(), iterations=20_000)


def seed_members(ctx):
    """Identified residents (verified e-mail address) of communes drawn by population."""
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from faker import Faker

    from parvis.accounts.models import DirectoryVisibility, User
    from parvis.groups.mentions import handle_from_names

    total = ctx.count("members")
    rng = ctx.rng("members")
    faker = Faker("fr_FR")
    faker.seed_instance(f"{ctx.seed}:members")
    password = _password_hash()
    zone = dt.UTC
    anchor = dt.datetime.combine(ctx.anchor, dt.time(12), tzinfo=zone)
    visibilities = [DirectoryVisibility.MEMBERS] * 6 + [
        DirectoryVisibility.PUBLIC,
        DirectoryVisibility.HIDDEN,
    ]
    progress = ctx.progress("members", total)
    for first in range(0, total, BATCH):
        ranks = range(first, min(first + BATCH, total))
        communes = ctx.pick_communes(rng, len(ranks))
        users = []
        for rank, commune in zip(ranks, communes, strict=True):
            joined = anchor - dt.timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
            users.append(
                User(
                    email=f"membre{rank + 1:06d}@{BENCH_DOMAIN}",
                    first_name=faker.first_name(),
                    last_name=faker.last_name(),
                    password=password,
                    commune_id=ctx.communes[commune][0],
                    directory_visibility=rng.choice(visibilities),
                    date_joined=joined,
                    terms_accepted_at=joined,
                )
            )
        with transaction.atomic():
            User.objects.bulk_create(users)
            EmailAddress.objects.bulk_create(
                EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True)
                for user in users
            )
        ctx.members.extend(user.pk for user in users)
        ctx.member_communes.extend(communes)
        ctx.member_handles.extend(
            f"{handle_from_names(user.first_name, user.last_name)}-{user.pk}" for user in users
        )
        ctx.wrote("members", len(users))
        progress.advance(len(users))
    progress.finish()


def seed_organisations(ctx):
    """Associations (and a few institutions), mostly verified, each with a manager living in
    the département (and sometimes an editor). The first is always the departmental council
    (a verified institution), so that every scale has one to publish and consult."""
    from django.db import transaction
    from django.utils.text import slugify

    from parvis.accounts.models import VerificationStatus
    from parvis.demo.french import of
    from parvis.demo.people import ASSOCIATION_THEMES
    from parvis.organisations.models import (
        Organisation,
        OrganisationKind,
        OrganisationMembership,
        OrganisationRole,
    )

    total = ctx.count("organisations")
    rng = ctx.rng("organisations")
    templates = [
        (template, description)
        for templates, description in ASSOCIATION_THEMES.values()
        for template in templates
    ]
    statuses = [VerificationStatus.VERIFIED] * 90 + [VerificationStatus.PENDING] * 7
    statuses += [VerificationStatus.REJECTED] * 3
    progress = ctx.progress("organisations", total)
    for first in range(0, total, BATCH):
        ranks = range(first, min(first + BATCH, total))
        communes = ctx.pick_communes(rng, len(ranks))
        organisations, managers = [], []
        for rank, commune in zip(ranks, communes, strict=True):
            template, description = rng.choice(templates)
            name = template.format(of=of(ctx.communes[commune][1]))
            institution = rng.random() < 0.05 or rank == 0
            status = rng.choice(statuses)
            if rank == 0:
                name, status = COUNCIL_NAME, VerificationStatus.VERIFIED
            if institution:
                ctx.institutions.append(rank)
            organisations.append(
                Organisation(
                    name=name[:150],
                    slug=f"{slugify(name)[:150]}-{rank + 1}",
                    kind=(
                        OrganisationKind.INSTITUTION
                        if institution
                        else OrganisationKind.ASSOCIATION
                    ),
                    description=description,
                    commune_id=ctx.communes[commune][0],
                    rna="" if institution else f"W60{rank + 1:07d}",
                    # Spread over the last three years by rank (no draw: the data stays as is).
                    created_at=ctx.end - dt.timedelta(minutes=(rank * 7919) % (3 * 365 * 24 * 60)),
                    siren=f"{200000000 + rank}" if institution else "",
                    status=status,
                )
            )
            managers.append(rng.randrange(len(ctx.members)))
        memberships = []
        with transaction.atomic():
            Organisation.objects.bulk_create(organisations)
            for organisation, manager in zip(organisations, managers, strict=True):
                memberships.append(
                    OrganisationMembership(
                        organisation_id=organisation.pk,
                        user_id=ctx.members[manager],
                        role=OrganisationRole.MANAGER,
                        created_at=organisation.created_at,
                    )
                )
                if rng.random() < 0.3:
                    editor = rng.randrange(len(ctx.members))
                    if editor != manager:
                        memberships.append(
                            OrganisationMembership(
                                organisation_id=organisation.pk,
                                user_id=ctx.members[editor],
                                role=OrganisationRole.EDITOR,
                                created_at=organisation.created_at + dt.timedelta(days=1),
                            )
                        )
            OrganisationMembership.objects.bulk_create(memberships)
        for organisation, commune, manager in zip(organisations, communes, managers, strict=True):
            ctx.organisations.append(
                (
                    organisation.pk,
                    commune,
                    ctx.members[manager],
                    organisation.status == VerificationStatus.VERIFIED,
                )
            )
        ctx.wrote("organisations", len(organisations))
        ctx.wrote("organisation memberships", len(memberships))
        progress.advance(len(organisations))
    progress.finish()


def _event_ideas():
    from parvis.demo import agenda as demo

    ideas = [idea for ideas in demo.THEME_IDEAS.values() for idea in ideas]
    for name in (
        "TOWN_HALL_IDEAS",
        "DEPARTEMENT_IDEAS",
        "LIBRARY_IDEAS",
        "CAF_IDEAS",
        "OFFICIAL_IDEAS",
        "RESIDENT_IDEAS",
    ):
        ideas.extend(getattr(demo, name, []))
    by_category = {}
    for idea in ideas:
        by_category.setdefault(idea.category, []).append(idea)
    return by_category, demo.STREETS, demo.CANCELLATION_REASONS


class _EventMaker:
    """Draws one event after another (unsaved), from the demo's event ideas."""

    def __init__(self, ctx):
        from django.utils.text import slugify

        from parvis.agenda.models import Accessibility, Category
        from parvis.agenda.recurrence import local_zone

        self.ctx = ctx
        self.rng = ctx.rng("events")
        self.zone = local_zone()
        self.ideas, self.streets, self.reasons = _event_ideas()
        categories = list(Category.objects.order_by("position", "pk"))
        if not categories:
            raise SystemExit("No event category: run the migrations first.")
        self.categories = categories
        self.category_weights = [CATEGORY_WEIGHTS.get(c.slug, 5) for c in categories]
        self.statuses = list(STATUS_WEIGHTS)
        self.status_weights = list(STATUS_WEIGHTS.values())
        self.accessibility = [code for code, _label in Accessibility.choices]
        self.slugs = {}
        self.slugify = slugify
        self.verified = [o for o in ctx.organisations if o[3]] or ctx.organisations
        self.now = dt.datetime.now(dt.UTC)

    def _slug(self, title):
        if title not in self.slugs:
            self.slugs[title] = self.slugify(title)[:200] or "evenement"
        return self.slugs[title]

    def _recurrence(self, start):
        from parvis.agenda.recurrence import build_rrule

        draw = self.rng.random()
        if draw < 0.30:
            return build_rrule(freq="WEEKLY", start=start, count=self.rng.randint(2, 8))
        if draw < 0.35:
            second = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[(start.weekday() + 2) % 7]
            first = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]
            return build_rrule(
                freq="WEEKLY", interval=2, byweekday=(first, second), start=start, count=6
            )
        if draw < 0.40:
            return build_rrule(
                freq="MONTHLY", monthly_by="weekday", start=start, count=self.rng.randint(3, 6)
            )
        return ""

    def make(self):
        """An unsaved ``Event`` and whether it targets its commune's intercommunality."""
        from parvis.agenda.models import Event, EventStatus

        rng, ctx = self.rng, self.ctx
        category = rng.choices(self.categories, weights=self.category_weights)[0]
        ideas = self.ideas.get(category.slug) or self.ideas.get("culture")
        idea = rng.choice(ideas)
        if rng.random() < 0.65:
            organisation, commune, created_by, _verified = rng.choice(self.verified)
            if rng.random() < 0.3:
                commune = ctx.pick_communes(rng, 1)[0]
        else:
            organisation = None
            member = rng.randrange(len(ctx.members))
            created_by, commune = ctx.members[member], ctx.member_communes[member]
        day = ctx.anchor + dt.timedelta(days=rng.randint(-EVENT_SPAN_DAYS, EVENT_SPAN_DAYS))
        hour = min(max(int(idea.hour) + rng.choice((-1, 0, 0, 0, 1)), 7), 22)
        start = dt.datetime.combine(
            day, dt.time(hour, rng.choice((0, 0, 15, 30, 30, 45))), tzinfo=self.zone
        )
        end = start + dt.timedelta(hours=idea.hours)
        all_day = idea.all_day or rng.random() < 0.04
        if all_day:
            start = dt.datetime.combine(day, dt.time(0), tzinfo=self.zone)
            last = day + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2)))
            end = dt.datetime.combine(last, dt.time(23, 59), tzinfo=self.zone)
        rrule = self._recurrence(start)
        exdates = []
        if rrule.startswith("FREQ=WEEKLY;COUNT=") and rng.random() < 0.2:
            count = int(rrule.rsplit("=", 1)[1])
            if count >= 4:
                exdates = [(day + dt.timedelta(weeks=rng.randint(1, count - 2))).isoformat()]
        status = rng.choices(self.statuses, weights=self.status_weights)[0]
        local_anchor = dt.datetime.combine(ctx.anchor, dt.time(9), tzinfo=self.zone)
        created = min(start, local_anchor) - dt.timedelta(hours=rng.randint(24, 90 * 24))
        published = status in (EventStatus.PUBLISHED, EventStatus.CANCELLED)
        is_free = not idea.price and rng.random() < 0.85
        commune_pk, commune_name, _epci, _arrondissement = ctx.communes[commune]
        event = Event(
            title=idea.title,
            slug=self._slug(idea.title),
            description=(
                f"{idea.text}\n\nÀ {commune_name}, {idea.venue.lower()}. {rng.choice(FILLERS)}"
            ).strip(),
            category=category,
            start=start,
            end=end,
            all_day=all_day,
            rrule=rrule,
            exdates=exdates,
            venue_name=idea.venue,
            address=f"{rng.randint(1, 80)} {rng.choice(self.streets)}",
            commune_id=commune_pk,
            created_by_id=created_by,
            organisation_id=organisation,
            is_free=is_free,
            price="" if is_free else (idea.price or f"{rng.randint(2, 25)} €"),
            accessibility=sorted(rng.sample(self.accessibility, rng.randint(0, 2))),
            capacity=rng.randint(20, 300) if rng.random() < 0.12 else None,
            status=status,
            cancellation_reason=rng.choice(self.reasons) if status == "cancelled" else "",
            rejection_reason="Merci de préciser le lieu." if status == "rejected" else "",
            created_at=created,
            published_at=created + dt.timedelta(hours=2) if published else None,
        )
        return event, commune, rng.random() < 0.05


def seed_events(ctx):
    """Events with their dates (the recurrence rule expanded as the services do), participants
    on a few upcoming dates, and a few events targeted at their intercommunality."""
    from django.db import transaction

    from parvis.agenda.models import Event, EventOccurrence, EventStatus, Rsvp
    from parvis.agenda.recurrence import expand

    total = ctx.count("events")
    maker = _EventMaker(ctx)
    rng = ctx.rng("participants")
    now = dt.datetime.now(dt.UTC)
    audience_model = Event.audience.through
    progress = ctx.progress("events", total)
    for first in range(0, total, BATCH):
        drawn = [maker.make() for _rank in range(first, min(first + BATCH, total))]
        events = [event for event, _commune, _targeted in drawn]
        with transaction.atomic():
            Event.objects.bulk_create(events)
            occurrences, audience = [], []
            for event, commune, targeted in drawn:
                for start, end in expand(
                    start=event.start, end=event.end, rrule=event.rrule, exdates=event.exdates
                ):
                    going = 0
                    if event.status == EventStatus.PUBLISHED and end > now and rng.random() < 0.04:
                        going = min(rng.randint(1, 12), event.capacity or 12)
                    occurrences.append(
                        EventOccurrence(event_id=event.pk, start=start, end=end, rsvp_count=going)
                    )
                _pk, _name, epci, arrondissement = ctx.communes[commune]
                if targeted and (epci or arrondissement):
                    audience.append(
                        audience_model(event_id=event.pk, territory_id=epci or arrondissement)
                    )
            EventOccurrence.objects.bulk_create(occurrences)
            rsvps = [
                Rsvp(
                    occurrence_id=occurrence.pk,
                    user_id=ctx.members[member],
                    created_at=min(occurrence.start - dt.timedelta(days=1), ctx.end),
                )
                for occurrence in occurrences
                if occurrence.rsvp_count
                for member in rng.sample(range(len(ctx.members)), occurrence.rsvp_count)
            ]
            Rsvp.objects.bulk_create(rsvps)
            audience_model.objects.bulk_create(audience)
        ctx.events.extend(event.pk for event in events)
        ctx.wrote("events", len(events))
        ctx.wrote("event dates", len(occurrences))
        ctx.wrote("participations", len(rsvps))
        ctx.wrote("event audiences", len(audience))
        progress.advance(len(events))
    progress.finish()


# --- groups and discussions -------------------------------------------------------------------

#: Group names by theme ("{of}": "de Beauvais", "de la CA du Beauvaisis", "de l'Oise").
GROUP_NAMES = {
    "citizenship": ["Conseil citoyen {of}", "Comité de quartier {of}", "Vivre ensemble {of}"],
    "environment": ["Jardins partagés {of}", "Zéro déchet {of}", "Nature et biodiversité {of}"],
    "culture": ["Amis du patrimoine {of}", "Club de lecture {of}", "Musiciens amateurs {of}"],
    "sport": ["Randonnée {of}", "Course à pied {of}", "Vélo loisir {of}"],
    "solidarity": ["Voisins solidaires {of}", "Entraide {of}", "Aide aux devoirs {of}"],
    "education": ["Parents d'élèves {of}", "Jeunes {of}", "Soutien scolaire {of}"],
    "health": ["Bien vieillir {of}", "Aidants familiaux {of}", "Santé et prévention {of}"],
    "economy": ["Commerçants {of}", "Emploi et entraide {of}", "Entrepreneurs {of}"],
    "mobility": ["Covoiturage {of}", "Vélo au quotidien {of}", "Transports en commun {of}"],
    "agriculture": ["Circuits courts {of}", "Paniers paysans {of}", "Agriculteurs et voisins {of}"],
    "digital": ["Entraide numérique {of}", "Fibre et réseaux {of}", "Démarches en ligne {of}"],
    "other": ["Bons plans {of}", "Nouveaux habitants {of}", "Animaux {of}"],
}
GROUP_THEME_WEIGHTS = [14, 12, 12, 12, 10, 9, 6, 5, 7, 4, 4, 5]
GROUP_DESCRIPTIONS = [
    "Un espace pour échanger, s'entraider et organiser des projets entre habitants.",
    "Partagez vos idées, vos questions et vos bons plans. Débutants bienvenus !",
    "Ce groupe réunit celles et ceux qui veulent agir près de chez eux. **Respect** et "
    "bienveillance avant tout : les règles du site s'appliquent.",
    "Informations, rendez-vous et coups de main. Présentez-vous dans la discussion épinglée.",
]
JOIN_REQUEST_MESSAGES = [
    "Bonjour, je souhaiterais rejoindre le groupe. Merci !",
    "J'habite le quartier depuis peu et j'aimerais participer.",
    "",
]
THREAD_TITLES = [
    "Bienvenue : présentez-vous",
    "Prochaine réunion : quelle date vous convient ?",
    "Idées pour la fête de fin d'année",
    "Besoin d'un coup de main samedi matin",
    "Compte rendu de la dernière rencontre",
    "Covoiturage pour la sortie du mois",
    "Questions sur les travaux rue principale",
    "Bourse aux échanges : qui participe ?",
    "Horaires d'été du local",
    "Proposition à la mairie : votre avis ?",
    "Photos de la journée, merci à tous !",
    "Recherche bénévoles pour l'accueil",
    "Conseils pour débuter",
    "Les bons plans de la semaine",
    "Sondage : quel créneau pour l'atelier ?",
]
MESSAGE_BODIES = [
    "Merci pour l'information, je transmets autour de moi.",
    "Je serai là samedi, je peux apporter des tables et des chaises.",
    "Bonne idée ! Est-ce qu'on peut en parler à la prochaine réunion ?",
    "Bonjour à tous,\n\nJe me permets de relancer le sujet : nous avons besoin de **trois "
    "bénévoles** de plus pour l'accueil du public. Même une heure, ça aide beaucoup.\n\n"
    "Répondez ici si vous êtes disponibles, je ferai le planning.",
    "Voici ce que nous avons décidé :\n\n- rendez-vous à 9 h devant la salle des fêtes ;\n"
    "- chacun apporte son pique-nique ;\n- retour prévu vers 17 h.\n\nN'hésitez pas si vous "
    "avez des questions.",
    "J'ai appelé la mairie ce matin : le dossier est en cours d'instruction, réponse "
    "attendue d'ici la fin du mois. Je vous tiens au courant dès que j'en sais plus.",
    "Pour ceux qui n'ont pas pu venir, le compte rendu est disponible sur "
    "[le site de la commune](https://www.oise.fr). Merci à tous pour votre participation, "
    "c'était une très belle rencontre.",
    "Je ne suis pas tout à fait d'accord : la solution proposée coûte cher et ne règle pas "
    "le problème de fond. Ne pourrait-on pas commencer par un essai de quelques mois, puis "
    "faire le point tous ensemble ?",
    "> Est-ce que quelqu'un a une remorque ?\n\nOui, je peux la prêter le week-end prochain.",
    "Super, merci !",
    "Petit rappel : la réunion est **reportée à jeudi**, même heure, même lieu.",
    "Quelqu'un connaît un bon réparateur de vélos dans le coin ? Le mien a un souci de "
    "dérailleur depuis la dernière sortie.",
]


def _group_bodies():
    """The distinct message texts, each rendered once by the real renderer:
    ``[(body, body_html)]``."""
    from parvis.core.richtext import render_markdown
    from parvis.demo.groups import IDEAS

    texts = [
        text.replace("{mention}", "Camille")
        for idea in IDEAS
        for discussion in idea.discussions
        for text in discussion.messages
    ]
    return [(text, str(render_markdown(text))) for text in MESSAGE_BODIES + texts]


def _weights(rng, count, sigma):
    """``count`` log-normal weights: a few large, many small."""
    return [rng.lognormvariate(0, sigma) for _index in range(count)]


def _spread(rng, total, weights):
    """``total`` items spread over ``len(weights)`` bins by weight: the count of each bin."""
    counts = [0] * len(weights)
    if total > 0 and weights:
        for index in rng.choices(range(len(weights)), weights=weights, k=total):
            counts[index] += 1
    return counts


def _copy(model, fields, rows):
    """Write ``rows`` (tuples of the values of ``fields``, field names of ``model``) with
    ``COPY … FROM STDIN``: the fastest bulk insert, several times faster than ``bulk_create``
    for millions of rows (triggers run as for ``INSERT``). Returns the number of rows."""
    from django.db import connection

    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    written = 0
    with connection.cursor() as cursor:
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written


def _reserve_ids(model, count):
    """``count`` fresh primary keys of ``model``, taken from its sequence (for rows written
    with ``COPY`` that other rows refer to)."""
    from django.db import connection

    if count <= 0:
        return range(0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [model._meta.db_table, model._meta.db_table, count],
        )
        (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def _pick_members(rng, count, pool, members, taken, local=0.75):
    """Up to ``count`` member ranks not in ``taken`` (updated), mostly from ``pool``."""
    chosen, tries = [], 0
    while len(chosen) < count and tries < count * 20:
        tries += 1
        rank = rng.choice(pool) if pool and rng.random() < local else rng.randrange(members)
        if rank not in taken:
            taken.add(rank)
            chosen.append(rank)
    return chosen


def _territory_names(kind):
    from parvis.territories.models import Territory

    return dict(Territory.objects.filter(kind=kind).values_list("pk", "name"))


def seed_groups(ctx):
    """Groups by theme (a quarter private), on a commune, an intercommunality or the whole
    département, some owned by an association; each with an owner, a few moderators and
    members mostly from its territory (some left or were removed; ``member_count`` counts the
    active ones), and pending requests to join the groups that take requests."""
    from django.db import transaction
    from django.utils.text import slugify

    from parvis.demo.french import of, of_epci
    from parvis.groups.models import (
        Group,
        GroupStatus,
        JoinPolicy,
        JoinRequest,
        Membership,
        MembershipState,
        Role,
        Visibility,
    )

    total = ctx.count("groups")
    rng = ctx.rng("groups")
    by_commune, by_epci = ctx.member_pools()
    epci_names = _territory_names("epci")
    member_rank = {pk: rank for rank, pk in enumerate(ctx.members)}
    institutions = set(ctx.institutions)
    associations = [
        org for rank, org in enumerate(ctx.organisations) if org[3] and rank not in institutions
    ]
    sizes = _spread(rng, max(ctx.count("memberships") - total, 0), _weights(rng, total, 1.1))
    themes = list(GROUP_NAMES)
    statuses = [GroupStatus.ACTIVE] * 95 + [GroupStatus.CLOSED] * 4 + [GroupStatus.DELETED]
    end = ctx.end
    progress = ctx.progress("groups", total)
    for first in range(0, total, GROUP_BATCH):
        groups, plans = [], []
        for rank in range(first, min(first + GROUP_BATCH, total)):
            theme = rng.choices(themes, weights=GROUP_THEME_WEIGHTS)[0]
            owner, organisation = None, None
            if associations and rng.random() < 0.12:
                organisation, commune, manager, _verified = rng.choice(associations)
                owner, scope = member_rank[manager], "commune"
            else:
                commune = ctx.pick_communes(rng, 1)[0]
                draw = rng.random()
                scope = "commune" if draw < 0.5 else "epci" if draw < 0.75 else "whole"
            commune_pk, commune_name, epci, _arrondissement = ctx.communes[commune]
            if scope == "epci" and not epci:
                scope = "commune"
            if scope == "commune":
                territory, pool, place = commune_pk, by_commune.get(commune, []), of(commune_name)
            elif scope == "epci":
                territory, pool, place = epci, by_epci.get(epci, []), of_epci(epci_names[epci])
            else:
                territory, pool, place = None, [], "de l'Oise"
            name = rng.choice(GROUP_NAMES[theme]).format(of=place)[:120]
            public = rng.random() < 0.75
            if public:
                policy = JoinPolicy.OPEN if rng.random() < 0.8 else JoinPolicy.REQUEST
            else:
                policy = JoinPolicy.REQUEST if rng.random() < 0.55 else JoinPolicy.INVITATION
            status = rng.choice(statuses)
            created = end - dt.timedelta(minutes=rng.randint(14 * 24 * 60, 3 * 365 * 24 * 60))
            taken = {owner} if owner is not None else set()
            wanted = 1 + sizes[rank] - len(taken)
            people = [*taken, *_pick_members(rng, wanted, pool, len(ctx.members), taken)]
            moderators = min(len(people) - 1, rng.choice((0, 1, 1, 2)) + len(people) // 40)
            memberships, active = [], [people[0]]
            for position, person in enumerate(people):
                joined = created
                state, left = MembershipState.ACTIVE, None
                if position:
                    joined = created + (end - created) * rng.random()
                    draw = rng.random()
                    if draw < 0.07:
                        state = MembershipState.LEFT if draw < 0.05 else MembershipState.REMOVED
                        left = joined + (end - joined) * rng.random()
                    else:
                        active.append(person)
                role = Role.MEMBER
                if position == 0:
                    role = Role.OWNER
                elif position <= moderators and state == MembershipState.ACTIVE:
                    role = Role.MODERATOR
                memberships.append((person, role, state, joined, left))
            requests = []
            if policy == JoinPolicy.REQUEST and status == GroupStatus.ACTIVE:
                for person in _pick_members(
                    rng, rng.randint(0, 3), pool, len(ctx.members), set(people)
                ):
                    asked = end - dt.timedelta(minutes=rng.randint(30, 20 * 24 * 60))
                    requests.append((person, rng.choice(JOIN_REQUEST_MESSAGES), asked))
            changed = status != GroupStatus.ACTIVE
            groups.append(
                Group(
                    name=name,
                    slug=f"{slugify(name)[:125]}-{rank + 1}",
                    description=rng.choice(GROUP_DESCRIPTIONS),
                    theme=theme,
                    territory_id=territory,
                    organisation_id=organisation,
                    visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
                    join_policy=policy,
                    status=status,
                    status_reason="Le groupe ne se réunit plus." if changed else "",
                    status_changed_by_id=ctx.members[people[0]] if changed else None,
                    status_changed_at=end - dt.timedelta(days=rng.randint(1, 10))
                    if changed
                    else None,
                    created_by_id=ctx.members[people[0]],
                    created_at=created,
                    last_activity_at=created,  # then the latest discussion's (seed_discussions)
                    member_count=len(active),
                )
            )
            plans.append((memberships, requests, active))
        with transaction.atomic():
            Group.objects.bulk_create(groups)
            rows, asks = [], []
            for group, (memberships, requests, active) in zip(groups, plans, strict=True):
                rows += [
                    (group.pk, ctx.members[person], role, state, joined, left)
                    for person, role, state, joined, left in memberships
                ]
                asks += [
                    JoinRequest(
                        group_id=group.pk,
                        user_id=ctx.members[person],
                        message=message,
                        created_at=asked,
                    )
                    for person, message, asked in requests
                ]
                ctx.groups.append(
                    (group.pk, group.name, group.visibility == "public", group.created_at)
                )
                ctx.group_members.append(active)
            _copy(Membership, ["group", "user", "role", "state", "joined_at", "left_at"], rows)
            JoinRequest.objects.bulk_create(asks, batch_size=BATCH)
        ctx.wrote("groups", len(groups))
        ctx.wrote("group memberships", len(rows))
        ctx.wrote("group join requests", len(asks))
        progress.advance(len(groups))
    progress.finish()


#: Share of the replies that quote an earlier message, and that @mention a member.
QUOTE_SHARE = 0.08
MENTION_SHARE = 0.04


def seed_discussions(ctx):
    """Discussions in the groups (more in the larger ones; some groups have none) and their
    messages (a long tail: most discussions have a few, some hundreds), written by the
    group's members, interleaved in time as they would be. Positions are dense from 1 in each
    discussion; ``message_count``, ``last_message``, ``last_activity_at`` and the groups'
    ``thread_count`` and ``last_activity_at`` are what the services would have kept. Texts
    come from a small set, each rendered once by the real Markdown renderer; the database's
    trigger fills each message's search document. Some replies quote an earlier message of
    their discussion (``QUOTE_SHARE``) or @mention a member of the group (``MENTION_SHARE``,
    with its ``Mention`` row); some of the group's members have read each discussion, up to
    some message (``ThreadRead``: the unread markers)."""
    from django.db import connection, transaction

    from parvis.core.richtext import render_markdown
    from parvis.groups.models import Group, Mention, Message, Thread, ThreadRead

    rng = ctx.rng("discussions")
    total = ctx.count("threads")
    weights = [len(active) ** 0.9 * rng.lognormvariate(0, 0.8) for active in ctx.group_members]
    per_group = _spread(rng, total, weights)
    end = ctx.end
    plan = []  # (start, group rank)
    for group_rank, count in enumerate(per_group):
        created = ctx.groups[group_rank][3]
        span = max((end - created).total_seconds() - 3600, 60)
        for _index in range(count):
            plan.append((created + dt.timedelta(seconds=rng.uniform(0, span)), group_rank))
    plan.sort()
    total_messages = max(ctx.count("messages"), len(plan))
    extra = _spread(rng, total_messages - len(plan), _weights(rng, len(plan), 1.2))
    bodies = _group_bodies()
    thread_fields = [
        "id",
        "group",
        "title",
        "author",
        "created_at",
        "pinned",
        "locked",
        "last_activity_at",
        "message_count",
        "deletion_reason",
    ]
    message_fields = [
        "id",
        "thread",
        "position",
        "author",
        "body",
        "body_html",
        "created_at",
        "deleted_at",
        "deleted_by",
        "deletion_reason",
        "quoted",
    ]
    progress = ctx.progress("messages", total_messages)
    for first in range(0, len(plan), THREAD_WINDOW):
        window = plan[first : first + THREAD_WINDOW]
        counts = [1 + extra[first + index] for index in range(len(window))]
        message_ids = iter(_reserve_ids(Message, sum(counts)))
        threads, messages, mentions, reads = [], [], [], []
        for pk, (started, group_rank), count in zip(
            _reserve_ids(Thread, len(window)), window, counts, strict=True
        ):
            members = ctx.group_members[group_rank]
            author = rng.choice(members)
            span = min((end - started).total_seconds() - 60, rng.uniform(0.5, 90) * 86400)
            offsets = sorted(rng.uniform(1, span) for _reply in range(count - 1))
            times = [started] + [started + dt.timedelta(seconds=offset) for offset in offsets]
            title = rng.choice(THREAD_TITLES)
            pinned, locked = rng.random() < 0.03, rng.random() < 0.02
            threads.append(
                (pk, ctx.groups[group_rank][0], title, ctx.members[author], started, pinned)
                + (locked, times[-1], count, "")
            )
            written = []  # ids of this discussion's messages not deleted
            for position, moment in enumerate(times, start=1):
                message_id = next(message_ids)
                writer_rank = author if position == 1 else rng.choice(members)
                writer = ctx.members[writer_rank]
                body, html = rng.choice(bodies)
                if position > 1 and rng.random() < 0.005:  # deleted by its author
                    gone = moment + dt.timedelta(hours=1)
                    messages.append(
                        (message_id, pk, position, writer, "", "", moment, gone, writer, "", None)
                    )
                    continue
                quoted = None
                if written and rng.random() < QUOTE_SHARE:
                    quoted = rng.choice(written[-10:])
                if len(members) > 1 and rng.random() < MENTION_SHARE:
                    mentioned = rng.choice(members)
                    if mentioned != writer_rank:
                        handle = ctx.member_handles[mentioned]
                        body = f"@{handle} {body}"
                        html = str(render_markdown(body))
                        mentions.append((message_id, ctx.members[mentioned], moment))
                messages.append(
                    (message_id, pk, position, writer, body, html, moment, None, None, "", quoted)
                )
                written.append(message_id)
            # Some members have read the discussion, up to some message (the unread markers).
            readers = rng.sample(members, min(len(members), 1 + int(rng.expovariate(1 / 4))))
            for reader in readers:
                seen = rng.randint(1, count)
                reads.append((pk, ctx.members[reader], times[seen - 1], seen))
            ctx.threads.append((pk, group_rank, title))
        messages.sort(key=lambda message: message[6])  # as written; stable: deterministic
        with transaction.atomic():
            _copy(Thread, thread_fields, threads)
            for start in range(0, len(messages), BATCH):
                chunk = messages[start : start + BATCH]
                _copy(Message, message_fields, chunk)
                progress.advance(len(chunk))
            _copy(Mention, ["message", "user", "created_at"], mentions)
            _copy(ThreadRead, ["thread", "user", "read_at", "last_position"], reads)
        ctx.wrote("discussions", len(threads))
        ctx.wrote("group messages", len(messages))
        ctx.wrote("mentions", len(mentions))
        ctx.wrote("read markers", len(reads))
    progress.finish()
    if not ctx.threads:
        return
    # The counters and links the services keep, computed by the database from the rows.
    group_pks = [pk for pk, *_rest in ctx.groups]
    threads = connection.ops.quote_name(Thread._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {threads} AS t SET last_message_id = m.id
            FROM {connection.ops.quote_name(Message._meta.db_table)} AS m
            WHERE m.thread_id = t.id AND m.position = t.message_count
              AND t.id BETWEEN %s AND %s
            """,  # noqa: S608 - table names from the models
            [ctx.threads[0][0], ctx.threads[-1][0]],
        )
        cursor.execute(
            f"""
            UPDATE {connection.ops.quote_name(Group._meta.db_table)} AS g
            SET thread_count = s.threads, last_activity_at = GREATEST(g.created_at, s.latest)
            FROM (
                SELECT group_id, count(*) AS threads, max(last_activity_at) AS latest
                FROM {threads} WHERE deleted_at IS NULL GROUP BY group_id
            ) AS s
            WHERE s.group_id = g.id AND g.id BETWEEN %s AND %s
            """,  # noqa: S608 - table names from the models
            [min(group_pks), max(group_pks)],
        )


# --- information posts and follows ------------------------------------------------------------


def seed_posts(ctx):
    """Information posts by verified organisations (institutions publish most), written by
    their manager from the demo's ideas, targeted at the whole département, an
    intercommunality, an arrondissement or the organisation's commune. Most are live over the
    last two years; a few are drafts, scheduled, unpublished by a moderator or expired."""
    from django.db import transaction
    from django.utils.text import slugify

    from parvis.demo import news as news_demo
    from parvis.demo.french import of, of_epci
    from parvis.news.models import DEFAULT_SLUG, Category, Post, PostStatus
    from parvis.organisations.models import Organisation

    total = ctx.count("posts")
    rng = ctx.rng("posts")
    categories = dict(Category.objects.values_list("slug", "pk"))
    if not categories:
        raise SystemExit("No post category: run the migrations first.")
    institution_ideas = [
        idea
        for ideas in (
            news_demo.DEPARTEMENT_IDEAS,
            news_demo.TOWN_HALL_IDEAS,
            news_demo.LIBRARY_IDEAS,
            news_demo.CAF_IDEAS,
        )
        for idea in ideas
        if not idea.draft
    ]
    association_ideas = [idea for idea in news_demo.ASSOCIATION_IDEAS if not idea.draft]
    institutions = set(ctx.institutions)
    publishers = [rank for rank, org in enumerate(ctx.organisations) if org[3]]
    weights = list(accumulate(20 if rank in institutions else 1 for rank in publishers))
    names = dict(
        Organisation.objects.filter(
            pk__in=[ctx.organisations[r][0] for r in publishers]
        ).values_list("pk", "name")
    )
    epci_names = _territory_names("epci")
    arrondissement_names = _territory_names("arrondissement")
    slugs = {}
    end = ctx.end
    audience_model = Post.audience.through
    progress = ctx.progress("posts", total)
    for first in range(0, total, BATCH):
        posts, targets = [], []
        for _rank in range(first, min(first + BATCH, total)):
            org_rank = rng.choices(publishers, cum_weights=weights)[0]
            org_pk, commune, manager, _verified = ctx.organisations[org_rank]
            idea = rng.choice(institution_ideas if org_rank in institutions else association_ideas)
            if org_rank == 0 and idea.target != news_demo.WHOLE:
                commune = ctx.pick_communes(rng, 1)[0]  # the council writes all around
            commune_pk, commune_name, epci, arrondissement = ctx.communes[commune]
            target, place, of_place = None, "", ""
            if idea.target == news_demo.EPCI and epci:
                target, place = epci, epci_names[epci]
                of_place = of_epci(place)
            elif idea.target == news_demo.ARRONDISSEMENT and arrondissement:
                target, place = arrondissement, arrondissement_names[arrondissement]
                of_place = of(place)
            elif idea.target != news_demo.WHOLE:
                target, place, of_place = commune_pk, commune_name, of(commune_name)
            name = names[org_pk]
            title = idea.title.format(of_place=of_place, name=name).strip()[:200]
            text = idea.text.format(place=place, of_place=of_place, name=name)
            status, moderation, unpublished_at = PostStatus.PUBLISHED, "", None
            publish_at = end - dt.timedelta(minutes=rng.randint(60, 730 * 24 * 60))
            draw = rng.random()
            if draw < 0.04:
                status, publish_at = PostStatus.DRAFT, None
            elif draw < 0.07:
                publish_at = end + dt.timedelta(minutes=rng.randint(60, 14 * 24 * 60))
            elif draw < 0.09:
                status, moderation = PostStatus.UNPUBLISHED, "Information erronée, à corriger."
                unpublished_at = publish_at + dt.timedelta(hours=rng.randint(1, 48))
            expires_at = None
            if publish_at is not None and rng.random() < 0.12:
                expires_at = publish_at + dt.timedelta(days=rng.randint(1, 60))
            if title not in slugs:
                slugs[title] = slugify(title)[:200] or DEFAULT_SLUG
            created = (publish_at or end) - dt.timedelta(hours=rng.randint(1, 72))
            posts.append(
                Post(
                    title=title,
                    slug=slugs[title],
                    body=text,
                    category_id=categories.get(idea.category) or next(iter(categories.values())),
                    author_id=manager,
                    organisation_id=org_pk,
                    status=status,
                    publish_at=publish_at,
                    expires_at=expires_at,
                    moderation_reason=moderation,
                    unpublished_at=unpublished_at,
                    # Live before the dataset's end: its members were told (a worker on the
                    # bench database announces only what goes live later, as in production).
                    announced_at=publish_at if publish_at and publish_at <= end else None,
                    created_at=created,
                )
            )
            targets.append(target)
        with transaction.atomic():
            Post.objects.bulk_create(posts)
            audience = [
                audience_model(post_id=post.pk, territory_id=target)
                for post, target in zip(posts, targets, strict=True)
                if target is not None
            ]
            audience_model.objects.bulk_create(audience)
        ctx.wrote("posts", len(posts))
        ctx.wrote("post audiences", len(audience))
        progress.advance(len(posts))
    progress.finish()


def seed_follows(ctx):
    """Members following their commune or intercommunality, and organisations (often of
    their own commune): a few each, some many."""
    from django.db import transaction

    from parvis.news.models import Follow

    total = ctx.count("follows")
    rng = ctx.rng("follows")
    per_member = _spread(rng, total, _weights(rng, len(ctx.members), 0.8))
    verified = [org[0] for org in ctx.organisations if org[3]]
    by_commune = {}
    for org_pk, commune, _manager, is_verified in ctx.organisations:
        if is_verified:
            by_commune.setdefault(commune, []).append(org_pk)
    end = ctx.end
    progress = ctx.progress("follows", total)
    for first in range(0, len(ctx.members), BATCH):
        follows = []
        for rank in range(first, min(first + BATCH, len(ctx.members))):
            commune = ctx.member_communes[rank]
            commune_pk, _name, epci, _arrondissement = ctx.communes[commune]
            seen = set()
            for _index in range(per_member[rank]):
                if rng.random() < 0.45 or not verified:
                    target = ("territory", epci if epci and rng.random() < 0.3 else commune_pk)
                else:
                    local = by_commune.get(commune)
                    pool = local if local and rng.random() < 0.6 else verified
                    target = ("organisation", rng.choice(pool))
                if target in seen:
                    continue
                seen.add(target)
                territory, organisation = (
                    (target[1], None) if target[0] == "territory" else (None, target[1])
                )
                followed = end - dt.timedelta(minutes=rng.randint(60, 600 * 24 * 60))
                follows.append((ctx.members[rank], territory, organisation, followed))
        with transaction.atomic():
            _copy(Follow, ["user", "territory", "organisation", "created_at"], follows)
        ctx.wrote("follows", len(follows))
        progress.advance(sum(per_member[first : first + BATCH]))
    progress.finish()


# --- consultations ----------------------------------------------------------------------------


def _consultation_answers(rng, template, questions):
    """One member's answers: ``[(question pk, option pks, scale, text)]``."""
    answers = []
    for spec, (question, options) in zip(template.questions, questions, strict=True):
        if spec.kind == "single":
            answers.append((question, [rng.choices(options, weights=spec.weights)[0]], None, ""))
        elif spec.kind == "multiple":
            chosen = [
                pk
                for pk, weight in zip(options, spec.weights, strict=True)
                if rng.random() < weight / 100
            ] or [rng.choices(options, weights=spec.weights)[0]]
            answers.append((question, chosen, None, ""))
        elif spec.kind == "scale_1_5":
            answers.append((question, [], rng.choices(range(1, 6), weights=spec.weights)[0], ""))
        elif template.texts and rng.random() < 0.2:
            answers.append((question, [], None, rng.choice(template.texts)))
    return answers


def seed_consultations(ctx):
    """Consultations by the verified institutions (the departmental council's for the whole
    département or an intercommunality, the others' for their commune or intercommunality),
    with the demo's questions; most closed or open, a few to come or drafts. Members of the
    audience answer the closed and open ones, at most once each, with their commune at
    answer time; ``response_count`` is kept. A few comments in each discussion."""
    from django.db import transaction
    from django.utils.text import slugify

    from parvis.consultations.models import (
        Answer,
        Comment,
        Consultation,
        ConsultationStatus,
        Option,
        Question,
        Response,
    )
    from parvis.demo import consultations as consultation_demo

    total = ctx.count("consultations")
    rng = ctx.rng("consultations")
    institutions = [rank for rank in ctx.institutions if ctx.organisations[rank][3]]
    if not institutions:
        return
    by_commune, by_epci = ctx.member_pools()
    everyone = range(len(ctx.members))
    epci_names = _territory_names("epci")
    templates = consultation_demo.DEMO_CONSULTATIONS
    end = ctx.end
    day = dt.timedelta(days=1)
    plans = []
    for rank in range(total):
        org_rank = 0 if rng.random() < 0.3 or rank == 0 else rng.choice(institutions)
        org_pk, commune, manager, _verified = ctx.organisations[org_rank]
        if org_rank == 0:
            commune = ctx.pick_communes(rng, 1)[0]
        commune_pk, commune_name, epci, _arrondissement = ctx.communes[commune]
        draw = rng.random()
        if org_rank == 0 and (draw < 0.5 or rank == 0):
            audience, pool, place = None, everyone, ""
        elif epci and draw < 0.75:
            audience, pool, place = epci, by_epci.get(epci, []), epci_names[epci]
        else:
            audience, pool, place = commune_pk, by_commune.get(commune, []), commune_name
        template = rng.choice(templates)
        draw = rng.random() if rank else 0.7  # the first is open
        if draw < 0.55:  # closed
            opens = end - day * rng.randint(30, 700)
            closes = opens + day * rng.randint(14, 60)
        elif draw < 0.85:  # open
            opens = end - day * rng.randint(1, 25)
            closes = end + day * rng.randint(5, 60)
        else:  # to come, or a draft
            opens = end + day * rng.randint(3, 40)
            closes = opens + day * rng.randint(14, 60)
        status = ConsultationStatus.DRAFT if draw >= 0.93 else ConsultationStatus.PUBLISHED
        answering = status == ConsultationStatus.PUBLISHED and opens < end
        share = len(pool) * rng.uniform(0.05, 0.5) if answering else 0
        title = f"{template.title} ({place})" if place else template.title
        consultation = Consultation(
            title=title[:200],
            slug=slugify(title)[:200] or "consultation",
            context=template.context,
            organisation_id=org_pk,
            created_by_id=manager,
            opens_at=opens,
            closes_at=closes,
            results_visibility=template.visibility,
            status=status,
            created_at=opens - day * 5,
            published_at=opens - day * 2 if status == ConsultationStatus.PUBLISHED else None,
            announced_at=opens if answering else None,  # opened: its audience was told
        )
        if template.conclusion and closes < end and rng.random() < 0.5:
            consultation.conclusion = template.conclusion
            consultation.conclusion_published_at = min(closes + day * 9, end)
        plans.append([consultation, template, audience, pool, share])
    wanted = ctx.count("responses")
    shares = sum(plan[4] for plan in plans) or 1
    for plan in plans:
        plan[4] = min(round(len(plan[3]) * MAX_PARTICIPATION), round(plan[4] * wanted / shares))
        plan[0].response_count = plan[4]
    progress = ctx.progress("responses", sum(plan[4] for plan in plans))
    with transaction.atomic():
        Consultation.objects.bulk_create([plan[0] for plan in plans])
        through = Consultation.audience.through
        through.objects.bulk_create(
            through(consultation_id=plan[0].pk, territory_id=plan[2])
            for plan in plans
            if plan[2] is not None
        )
    ctx.wrote("consultations", len(plans))
    for consultation, template, _audience, pool, count in plans:
        with transaction.atomic():
            questions = []
            for order, spec in enumerate(template.questions, start=1):
                question = Question.objects.create(
                    consultation=consultation,
                    order=order,
                    kind=spec.kind,
                    text=spec.text,
                    required=spec.required,
                )
                options = Option.objects.bulk_create(
                    Option(question=question, label=label, order=position)
                    for position, label in enumerate(spec.options, start=1)
                )
                questions.append((question.pk, [option.pk for option in options]))
            respondents = rng.sample(pool, count) if count else []
            last = min(consultation.closes_at, end)
            span = max((last - consultation.opens_at).total_seconds(), 60)
            for start in range(0, len(respondents), BATCH):
                batch = respondents[start : start + BATCH]
                responses, planned = [], []
                for pk, member in zip(_reserve_ids(Response, len(batch)), batch, strict=True):
                    answered = consultation.opens_at + dt.timedelta(seconds=rng.uniform(0, span))
                    commune = ctx.communes[ctx.member_communes[member]][0]
                    responses.append(
                        (pk, consultation.pk, ctx.members[member], commune, answered, answered)
                    )
                    planned.append(_consultation_answers(rng, template, questions))
                answers, choices = [], []
                for (response, *_rest), member_answers in zip(responses, planned, strict=True):
                    for question, option_pks, scale, text in member_answers:
                        answers.append((response, question, scale, text))
                        choices.append(option_pks)
                answer_pks = _reserve_ids(Answer, len(answers))
                _copy(
                    Response,
                    ["id", "consultation", "member", "commune", "created_at", "updated_at"],
                    responses,
                )
                _copy(
                    Answer,
                    ["id", "response", "question", "scale", "text"],
                    ((pk, *answer) for pk, answer in zip(answer_pks, answers, strict=True)),
                )
                chosen = _copy(
                    Answer.options.through,
                    ["answer", "option"],
                    (
                        (pk, option)
                        for pk, option_pks in zip(answer_pks, choices, strict=True)
                        for option in option_pks
                    ),
                )
                ctx.wrote("consultation responses", len(responses))
                ctx.wrote("consultation answers", len(answers))
                ctx.wrote("answer choices", chosen)
                progress.advance(len(responses))
            comments = [
                Comment(
                    consultation_id=consultation.pk,
                    author_id=ctx.members[member],
                    body=rng.choice(template.comments or MESSAGE_BODIES),
                    created_at=consultation.opens_at + dt.timedelta(seconds=rng.uniform(0, span)),
                )
                for member in respondents[: rng.randint(0, 6)]
            ]
            Comment.objects.bulk_create(comments)
            ctx.wrote("consultation comments", len(comments))
    progress.finish()


# --- notifications ----------------------------------------------------------------------------


class _NotificationMaker:
    """Draws notifications of the registered types that the dataset has items for (a sample
    of events, organisations and discussions), each with the context its text needs."""

    WEIGHTS = {
        "groups.reply": 35,
        "groups.new_thread": 20,
        "groups.mention": 5,
        "agenda.event_changed": 12,
        "agenda.event_cancelled": 5,
        "organisations.verification": 3,
    }
    SAMPLE = 2_000

    def __init__(self, ctx, rng):
        from django.contrib.contenttypes.models import ContentType
        from django.utils import formats, timezone, translation

        from parvis.agenda.models import Event
        from parvis.groups.models import Thread
        from parvis.notifications import registry
        from parvis.organisations.models import Organisation

        self.ctx, self.rng = ctx, rng
        self.member_rank = {pk: rank for rank, pk in enumerate(ctx.members)}
        picked = sorted(rng.sample(range(len(ctx.events)), min(self.SAMPLE, len(ctx.events))))
        events = Event.objects.filter(pk__in=[ctx.events[r] for r in picked]).select_related(
            "commune"
        )
        self.events = []
        with translation.override("fr"):
            for event in events.order_by("pk"):
                start = formats.date_format(timezone.localtime(event.start), "DATETIME_FORMAT")
                venue = f"{event.venue_name}, {event.address}, {event.commune.name}"
                self.events.append(
                    (
                        event.pk,
                        event.get_absolute_url(),
                        {"title": event.title, "start": start, "venue": venue},
                    )
                )
        picked = sorted(rng.sample(range(len(ctx.threads)), min(self.SAMPLE, len(ctx.threads))))
        threads = Thread.objects.filter(pk__in=[ctx.threads[r][0] for r in picked])
        group_rank = {pk: rank for rank, (pk, *_rest) in enumerate(ctx.groups)}
        self.threads = [
            (
                thread.pk,
                thread.get_absolute_url(),
                group_rank[thread.group_id],
                thread.group.name,
                thread.title,
            )
            for thread in threads.select_related("group").order_by("pk")
        ]
        managers = {org[0]: org[2] for org in ctx.organisations if org[3]}
        verified = Organisation.objects.filter(pk__in=list(managers)[: self.SAMPLE])
        self.organisations = [
            (org.pk, org.get_absolute_url(), org.name, managers[org.pk])
            for org in verified.order_by("pk")
        ]
        self.types = {
            "event": ContentType.objects.get_for_model(Event).pk,
            "thread": ContentType.objects.get_for_model(Thread).pk,
            "organisation": ContentType.objects.get_for_model(Organisation).pk,
        }
        self.kinds, self.weights, self.skipped = [], [], []
        for key, weight in self.WEIGHTS.items():
            ntype = registry.get_or_none(key)
            if ntype is None:
                continue
            made = self.make(key)
            if made is None:  # nothing of its kind in the dataset
                continue
            try:  # the context must give the type's text what it needs
                ntype.render_text({**made[5], "actor": "Camille Martin"})
            except (KeyError, ValueError, TypeError):
                self.skipped.append(key)
                continue
            self.kinds.append(key)
            self.weights.append(weight)

    def make(self, key):
        """``(recipient rank or None, actor pk, target type, target pk, url, context)``."""
        rng = self.rng
        if key.startswith("groups.") and self.threads:
            pk, url, group_rank, group_name, title = rng.choice(self.threads)
            members = self.ctx.group_members[group_rank]
            recipient = rng.choice(members)
            others = [member for member in members[:50] if member != recipient]
            actor = self.ctx.members[rng.choice(others)] if others else None
            context = {"group": group_name, "thread": title}  # as groups.tasks gives it
            return recipient, actor, self.types["thread"], pk, url, context
        if key.startswith("agenda.") and self.events:
            pk, url, context = rng.choice(self.events)
            context = dict(context)
            if key == "agenda.event_changed":
                context.update(date_changed=False, place_changed=True, old_venue="Salle des fêtes")
            else:
                context["reason"] = "Annulé en raison de la météo."
            return None, None, self.types["event"], pk, url, context
        if key == "organisations.verification" and self.organisations:
            pk, url, name, manager = rng.choice(self.organisations)
            return (
                self.member_rank[manager],
                None,
                self.types["organisation"],
                pk,
                url,
                {"organisation": name, "verified": True},
            )
        return None


def seed_notifications(ctx):
    """In-app notifications over the members (a few get many), newest in the last days, of
    the registered types the dataset has items for, each with a context its text renders
    from. Older ones are mostly read; some of the last day wait for the daily digest
    (``email_delivery="daily"``, no digest yet)."""
    from django.db import transaction
    from psycopg.types.json import Jsonb

    from parvis.notifications.models import Notification

    fields = [
        "recipient",
        "type_key",
        "actor",
        "target_type",
        "target_id",
        "url",
        "params",
        "email_delivery",
        "created_at",
        "read_at",
    ]
    total = ctx.count("notifications")
    rng = ctx.rng("notifications")
    maker = _NotificationMaker(ctx, rng)
    for key in maker.skipped:
        ctx.out.write(f"notifications: {key} left out (its text needs other context keys)\n")
    if not maker.kinds:
        return
    recipients = list(accumulate(_weights(rng, len(ctx.members), 1.0)))
    end = ctx.end
    progress = ctx.progress("notifications", total)
    for first in range(0, total, BATCH):
        notifications = []
        for _rank in range(first, min(first + BATCH, total)):
            key = rng.choices(maker.kinds, weights=maker.weights)[0]
            recipient, actor, target_type, target, url, context = maker.make(key)
            if recipient is None:
                recipient = rng.choices(range(len(ctx.members)), cum_weights=recipients)[0]
            age = dt.timedelta(minutes=min(rng.expovariate(1 / (20 * 24 * 60)), 180 * 24 * 60))
            created = end - age - dt.timedelta(seconds=1)
            read_at = None
            if rng.random() < (0.85 if age > dt.timedelta(days=7) else 0.4):
                read_at = min(created + dt.timedelta(minutes=rng.randint(1, 3 * 24 * 60)), end)
            daily = age < dt.timedelta(days=1) and rng.random() < 0.2
            notifications.append(
                (ctx.members[recipient], key, actor, target_type, target, url, Jsonb(context))
                + ("daily" if daily else "never", created, read_at)
            )
        with transaction.atomic():
            _copy(Notification, fields, notifications)
        ctx.wrote("notifications", len(notifications))
        progress.advance(len(notifications))
    progress.finish()


#: The steps, in order (each may use what the previous ones wrote).
STEPS = [
    seed_members,
    seed_organisations,
    seed_events,
    seed_groups,
    seed_discussions,
    seed_posts,
    seed_follows,
    seed_consultations,
    seed_notifications,
]


def _reset_models():
    """The tables the steps write (``TRUNCATE … CASCADE`` also empties the rows that refer to
    them: group activities, moderation reports...)."""
    from allauth.account.models import EmailAddress

    from parvis.accounts.models import User
    from parvis.agenda.models import Event, EventOccurrence, Rsvp
    from parvis.consultations.models import Answer, Comment, Consultation, Option, Question
    from parvis.consultations.models import Response as ConsultationResponse
    from parvis.groups.models import (
        Activity,
        Group,
        JoinRequest,
        Membership,
        Mention,
        Message,
        Thread,
        ThreadRead,
    )
    from parvis.news.models import Follow, Post
    from parvis.notifications.models import EmailOutbox, Notification
    from parvis.organisations.models import Organisation, OrganisationMembership

    return [
        Notification,
        EmailOutbox,
        Answer.options.through,
        Answer,
        ConsultationResponse,
        Comment,
        Option,
        Question,
        Consultation.audience.through,
        Consultation,
        Follow,
        Post.audience.through,
        Post,
        Activity,
        ThreadRead,
        Mention,
        Message,
        Thread,
        JoinRequest,
        Membership,
        Group,
        Rsvp,
        EventOccurrence,
        Event.audience.through,
        Event,
        OrganisationMembership,
        Organisation,
        EmailAddress,
        User,
    ]


def reset():
    """Empty the seeded tables (and the rows that depend on them) and restart their ids."""
    from django.db import connection

    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _reset_models())
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # noqa: S608


def already_seeded():
    from parvis.accounts.models import User

    return User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").exists()


def analyze():
    """Fresh planner statistics for the whole database (the territory too)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def check_database(allow_any):
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark dataset needs PostgreSQL: set DATABASE_URL.")
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not allow_any:
        raise SystemExit(
            f"Refusing to seed database {name!r}: use a database of its own whose name "
            "contains 'bench' (or pass --allow-any-database)."
        )
    return name


def seed(
    *,
    scale=1.0,
    seed=DEFAULT_SEED,
    anchor=None,
    reset_first=False,
    out=None,
    allow_any_database=False,
):
    """Write the dataset; returns the ``Context`` (``ctx.counts``: rows written by table,
    ``ctx.timings``: seconds by step). Refuses a database whose name lacks "bench" unless
    ``allow_any_database`` (the tests seed their own test database)."""
    from django.utils import timezone

    if not 0 < scale <= 10:
        raise ValueError("scale must be between 0 and 10")
    check_database(allow_any_database)
    if reset_first:
        reset()
    elif already_seeded():
        raise SystemExit("The database already holds a bench dataset: pass --reset to rebuild it.")
    ctx = Context(
        scale=scale, seed=seed, anchor=anchor or timezone.localdate(), out=out or sys.stderr
    )
    load_territory(ctx)
    for step in STEPS:
        started = time.monotonic()
        step(ctx)
        ctx.timings[step.__name__.removeprefix("seed_")] = time.monotonic() - started
    started = time.monotonic()
    analyze()
    ctx.timings["analyze"] = time.monotonic() - started
    return ctx


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="1.0 = 100,000 members, 200,000 events, 2,000,000 messages... (default); 0.01 = 1%%",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--anchor",
        type=dt.date.fromisoformat,
        help="the day the events are spread around (YYYY-MM-DD; default: today)",
    )
    parser.add_argument("--reset", action="store_true", help="empty the seeded tables first")
    parser.add_argument("--allow-any-database", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    setup_django()
    name = check_database(args.allow_any_database)
    started = time.monotonic()
    ctx = seed(
        scale=args.scale,
        seed=args.seed,
        anchor=args.anchor,
        reset_first=args.reset,
        allow_any_database=args.allow_any_database,
    )
    print(
        f"Seeded {name} at scale {args.scale:g} (seed {args.seed}, anchor {ctx.anchor}) "
        f"in {time.monotonic() - started:.0f} s:"
    )
    for table, rows in ctx.counts.items():
        print(f"  {table:<26} {rows:>10,}")
    print("Seconds by step: " + ", ".join(f"{k} {v:.0f}" for k, v in ctx.timings.items()))


if __name__ == "__main__":
    main()
