"""Events, their dates, participants and audiences."""

import datetime as dt

from .base import BATCH, EVENT_SPAN_DAYS

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
                commune_pk, _name, epci, arrondissement = ctx.communes[commune]
                copies = {  # what the lists filter on (agenda.models.LISTING_COPIES)
                    "listed": event.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED),
                    "category_id": event.category_id,
                    "commune_id": commune_pk,
                    "epci_id": epci,
                    "arrondissement_id": arrondissement,
                    "is_free": event.is_free,
                }
                for start, end in expand(
                    start=event.start, end=event.end, rrule=event.rrule, exdates=event.exdates
                ):
                    going = 0
                    if event.status == EventStatus.PUBLISHED and end > now and rng.random() < 0.04:
                        going = min(rng.randint(1, 12), event.capacity or 12)
                    occurrences.append(
                        EventOccurrence(
                            event_id=event.pk, start=start, end=end, rsvp_count=going, **copies
                        )
                    )
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
