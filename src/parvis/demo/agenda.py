"""Demo events: a living calendar over the three months after the first load.

Called by ``parvis.demo.loader.load_plan`` once the demo members and organisations exist; the
ideas come from ``data/agenda.yaml``. Reproducible: the random generator is seeded from the demo
plan, and dates are counted from the day the demo was first loaded (``people.first_load``), so
loading again, even days later, plans the very same events. Idempotent: an event is keyed on
(organiser, title, start); existing ones are left exactly as they are.

Rows are written directly (no services: no e-mail, no moderation queue bookkeeping), then each
new event's dates are expanded with ``services.event_occurrences_sync``.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from parvis.accounts.models import ProfileKind, VerificationStatus
from parvis.agenda.models import Category, Event, EventOccurrence, EventStatus, Rsvp
from parvis.agenda.recurrence import build_rrule, local_zone
from parvis.agenda.services import event_occurrences_sync
from parvis.organisations.models import OrganisationKind, OrganisationRole
from parvis.territories.models import Territory, TerritoryKind

from .datafiles import read
from .people import MODERATOR_EMAIL, first_load


@dataclass(frozen=True)
class Idea:
    """An event idea (see ``data/agenda.yaml``): title, venue, category slug, start hour,
    duration, and options."""

    title: str
    venue: str
    category: str
    hour: float = 18
    hours: float = 2
    text: str = ""
    weekday: int | None = None  # 0 = Monday
    price: str = ""
    capacity: int | None = None
    repeat: str = ""  # "weekly", "monthly" (by weekday) or ""
    all_day: bool = False
    accessibility: tuple[str, ...] = ("wheelchair",)
    months: tuple[int, ...] = ()  # seasonal: only in these months (else left out)


def _ideas(entries):
    return [
        Idea(
            **{
                **entry,
                **{key: tuple(entry[key]) for key in ("accessibility", "months") if key in entry},
            }
        )
        for entry in entries
    ]


AGENDA = read("agenda")
HORIZON_DAYS = AGENDA["horizon_days"]
STREETS = AGENDA["streets"]
#: INSEE code → public places with a point (``data/agenda.yaml``'s ``places``).
PLACES = AGENDA.get("places") or {}
CANCELLATION_REASONS = AGENDA["cancellation_reasons"]
THEME_IDEAS = {theme: _ideas(entries) for theme, entries in AGENDA["associations"].items()}
INSTITUTION_IDEAS = {key: _ideas(entries) for key, entries in AGENDA["institutions"].items()}
TOWN_HALL_IDEAS = INSTITUTION_IDEAS["town_hall"]
DEPARTEMENT_IDEAS = INSTITUTION_IDEAS["departement"]
LIBRARY_IDEAS = INSTITUTION_IDEAS["library"]
CAF_IDEAS = INSTITUTION_IDEAS["caf"]
OFFICIAL_IDEAS = _ideas(AGENDA["officials"])
RESIDENT_IDEAS = _ideas(AGENDA["residents"])


class _EventPlanner:
    def __init__(self, *, rng, anchor, communes, categories):
        self.rng = rng
        self.anchor = anchor
        self.zone = local_zone()
        self.communes = communes
        self.weights = [max(commune.population, 1) for commune in communes]
        self.categories = categories
        self.events = []

    def commune(self):
        return self.rng.choices(self.communes, weights=self.weights)[0]

    def day(self, weekday=None, *, first=1, last=HORIZON_DAYS):
        day = self.anchor + dt.timedelta(days=self.rng.randint(first, last))
        if weekday is not None:
            day += dt.timedelta(days=(weekday - day.weekday()) % 7)
            if (day - self.anchor).days > last:
                day -= dt.timedelta(days=7)
        return day

    def add(self, idea, *, created_by_id, commune, organisation_id=None, status=None):
        hour, minute = int(idea.hour), int(round((idea.hour % 1) * 60))
        rrule = ""
        if idea.repeat:
            day = self.day(idea.weekday, first=1, last=14)
            start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)
            until = self.anchor + dt.timedelta(days=HORIZON_DAYS)
            if idea.repeat == "weekly":
                rrule = build_rrule(freq="WEEKLY", start=start, until=until)
            else:
                rrule = build_rrule(freq="MONTHLY", monthly_by="weekday", start=start, count=3)
        else:
            day = self.day(idea.weekday)
            tries = 0
            while idea.months and day.month not in idea.months and tries < 30:
                day, tries = self.day(idea.weekday), tries + 1
            if idea.months and day.month not in idea.months:
                return  # out of season within the next three months
            start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)
        end = start + dt.timedelta(hours=idea.hours)
        if idea.all_day:
            start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=self.zone)
            end = dt.datetime.combine(day, dt.time(23, 59), tzinfo=self.zone)
        exdates = []
        if rrule and idea.repeat == "weekly" and self.rng.random() < 0.4:
            exdates = [(day + dt.timedelta(weeks=self.rng.randint(2, 8))).isoformat()]
        if status is None:
            status = EventStatus.PUBLISHED
        cancelled = status == EventStatus.PUBLISHED and self.rng.random() < 0.06
        created = dt.datetime.combine(
            self.anchor - dt.timedelta(days=self.rng.randint(1, 40)),
            dt.time(self.rng.randint(8, 21), self.rng.randint(0, 59)),
            tzinfo=self.zone,
        )
        place = commune.name
        # A point where the commune has known places; chosen without the random generator, so
        # the rest of the plan stays what it was before points existed.
        places = PLACES.get(commune.code) or ()
        spot = places[len(self.events) % len(places)] if places else None
        address = f"{self.rng.randint(1, 60)} {self.rng.choice(STREETS)}"
        self.events.append(
            Event(
                title=idea.title,
                description=f"{idea.text}\n\nÀ {place}, {idea.venue.lower()}. Ouvert à tous.",
                category=self.categories.get(idea.category) or next(iter(self.categories.values())),
                start=start,
                end=end,
                all_day=idea.all_day,
                rrule=rrule,
                exdates=exdates,
                venue_name=idea.venue,
                address=spot["address"] if spot else address,
                latitude=Decimal(str(spot["latitude"])) if spot else None,
                longitude=Decimal(str(spot["longitude"])) if spot else None,
                commune_id=commune.pk,
                created_by_id=created_by_id,
                organisation_id=organisation_id,
                is_free=not idea.price,
                price=idea.price,
                accessibility=sorted(idea.accessibility) if self.rng.random() < 0.7 else [],
                capacity=idea.capacity,
                status=EventStatus.CANCELLED if cancelled else status,
                cancellation_reason=self.rng.choice(CANCELLATION_REASONS) if cancelled else "",
                created_at=created,
                published_at=(created if status == EventStatus.PUBLISHED or cancelled else None),
            )
        )

    def pick(self, ideas, count):
        return self.rng.sample(ideas, min(count, len(ideas)))


def _anchor():
    """The day the demo was first loaded (dates count from it, so reloads plan the same)."""
    return timezone.localtime(first_load()).date()


def plan_events(*, plan, users, organisation_pks, seed_text):
    """Unsaved ``Event`` objects for the demo (deterministic for a plan and its first load)."""
    categories = {category.slug: category for category in Category.objects.all()}
    communes = list(
        Territory.objects.filter(kind=TerritoryKind.COMMUNE)
        .only("pk", "code", "name", "population")
        .order_by("code")
    )
    if not categories or not communes:
        return []
    by_pk = {commune.pk: commune for commune in communes}
    planner = _EventPlanner(
        rng=random.Random(seed_text),
        anchor=_anchor(),
        communes=communes,
        categories=categories,
    )
    managers = {
        (membership.slug): users[membership.email]
        for membership in reversed(plan.memberships)
        if membership.role == OrganisationRole.MANAGER
    }
    for organisation in plan.organisations:
        pk = organisation_pks.get(organisation.slug)
        manager = managers.get(organisation.slug)
        if pk is None or manager is None:
            continue
        home = by_pk.get(organisation.commune_id) or planner.commune()
        verified = organisation.status == VerificationStatus.VERIFIED
        if organisation.kind == OrganisationKind.ASSOCIATION:
            ideas = THEME_IDEAS.get(organisation.theme) or THEME_IDEAS["culture"]
            count = planner.rng.randint(5, 6) if verified else 2
            # An association's recurring activity comes once; one-off ones may come twice.
            chosen = planner.pick(ideas, count)
            chosen += [idea for idea in planner.pick(ideas, 2) if not idea.repeat]
            for idea in chosen:
                commune = home if planner.rng.random() < 0.8 else planner.commune()
                planner.add(
                    idea,
                    created_by_id=manager,
                    commune=commune,
                    organisation_id=pk,
                    status=None if verified else EventStatus.SUBMITTED,
                )
        else:
            ideas = INSTITUTION_IDEAS.get(organisation.theme, [])
            count = len(ideas)
            if organisation.theme == "departement":  # ten events, an idea up to three times
                ideas, count = ideas * 3, 10
            # The départemental institutions' one-off events go around the département.
            roams = organisation.theme != "town_hall"
            for idea in planner.pick(ideas, count):
                commune = planner.commune() if roams and not idea.repeat else home
                planner.add(idea, created_by_id=manager, commune=commune, organisation_id=pk)
    verified_mandates = {
        mandate.email: mandate
        for mandate in plan.mandates
        if mandate.status == VerificationStatus.VERIFIED
    }
    for email, mandate in sorted(verified_mandates.items()):
        person = plan.person(email)
        commune = by_pk.get(mandate.territory_id) or by_pk.get(person.commune_id)
        for idea in planner.pick(OFFICIAL_IDEAS, planner.rng.randint(2, 3)):
            planner.add(
                idea,
                created_by_id=users[email],
                commune=commune if not idea.repeat else by_pk[person.commune_id],
            )
    residents = [person for person in plan.people if person.kind == ProfileKind.RESIDENT]
    statuses = [EventStatus.PUBLISHED] * 24 + [EventStatus.SUBMITTED] * 10 + [EventStatus.DRAFT] * 6
    for status, person in zip(statuses, planner.rng.sample(residents, len(statuses)), strict=False):
        planner.add(
            planner.rng.choice(RESIDENT_IDEAS),
            created_by_id=users[person.email],
            commune=by_pk.get(person.commune_id) or planner.commune(),
            status=status,
        )
    return planner.events


def _add_rsvps(events, *, resident_pks, rng):
    """Participants on the dates of the new public events, within their capacity."""
    occurrences = list(
        EventOccurrence.objects.filter(
            event__in=[event.pk for event in events if event.status != EventStatus.DRAFT],
            event__status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED],
        )
        .select_related("event")
        .order_by("start", "pk")
    )
    rsvps, counted = [], []
    for occurrence in occurrences:
        if rng.random() < 0.45:
            continue
        most = occurrence.event.capacity or 25
        going = rng.sample(resident_pks, min(rng.randint(1, 18), most, len(resident_pks)))
        rsvps += [Rsvp(occurrence=occurrence, user_id=user_pk) for user_pk in going]
        occurrence.rsvp_count = len(going)
        counted.append(occurrence)
    Rsvp.objects.bulk_create(rsvps)
    EventOccurrence.objects.bulk_update(counted, ["rsvp_count"], batch_size=500)
    return len(rsvps)


def load_events(*, plan, users, organisation_pks):
    """Create the demo events that are missing; returns what was created, by kind."""
    seed_text = "agenda:" + "|".join(person.email for person in plan.people[:3])
    planned = plan_events(
        plan=plan, users=users, organisation_pks=organisation_pks, seed_text=seed_text
    )
    existing = set(
        Event.objects.filter(created_by_id__in=users.values()).values_list(
            "created_by_id", "title", "start"
        )
    )
    new = []
    for event in planned:
        key = (event.created_by_id, event.title, event.start)
        if key in existing:
            continue
        existing.add(key)
        new.append(event)
    resident_pks = sorted(
        users[person.email] for person in plan.people if person.kind == ProfileKind.RESIDENT
    )
    reviewed = set(resident_pks)
    for event in new:  # bulk_create skips Event.save, which fills the slug
        event.slug = slugify(event.title)[:200] or "evenement"
        if event.created_by_id in reviewed and event.published_at is not None:
            event.reviewed_by_id = users[MODERATOR_EMAIL]  # a resident's event was approved
    Event.objects.bulk_create(new)
    for event in new:
        event_occurrences_sync(event=event)
    rsvps = _add_rsvps(new, resident_pks=resident_pks, rng=random.Random(seed_text + ":rsvp"))
    return {"events": len(new), "participations": rsvps}


def agenda_totals(users):
    """Demo events by status, their dates and participations, for the summary."""
    events = Event.objects.filter(created_by_id__in=users)
    by_status = dict(events.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "events": events.count(),
        "published events": by_status.get(EventStatus.PUBLISHED, 0),
        "cancelled events": by_status.get(EventStatus.CANCELLED, 0),
        "events awaiting review": by_status.get(EventStatus.SUBMITTED, 0),
        "draft events": by_status.get(EventStatus.DRAFT, 0),
        "event dates": EventOccurrence.objects.filter(event__in=events).count(),
        "participations": Rsvp.objects.filter(occurrence__event__in=events).count(),
    }
