"""Demo targeted information: what the departmental council, the town halls, the public
services, the elected officials and the associations publish, each post aimed at the
territories it concerns (the whole département, an intercommunality, an arrondissement or a
commune).

Called by ``parvis.demo.loader.load_plan`` once the demo members and organisations exist; the
posts come from ``data/news.yaml``. Reproducible: the random generator is seeded from the demo
plan and dates count from the moment the demo was first loaded (like the agenda). Idempotent:
a post is keyed on (author, title); existing ones are left exactly as they are. Rows are
written directly (no services, no e-mail).

Most posts are live; a few are scheduled (publication date to come), the departmental council
and the town halls each keep a draft, and a few have an end of display already past, so every
state shows in the demo.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from parvis.accounts.models import MandateRole, VerificationStatus
from parvis.news.models import DEFAULT_SLUG, Category, Post, PostStatus
from parvis.organisations.models import OrganisationKind, OrganisationRole
from parvis.territories.models import Territory, TerritoryKind

from .datafiles import read
from .french import of, of_epci
from .people import first_load

#: Targets: the whole département, the author's intercommunality, arrondissement or commune.
WHOLE, EPCI, ARRONDISSEMENT, COMMUNE = "whole", "epci", "arrondissement", "commune"


@dataclass(frozen=True)
class Idea:
    """A post idea (see ``data/news.yaml``): title, category slug, target, text (``{place}``,
    ``{of_place}``, ``{name}``), and its state: ``days`` before the demo's day (negative:
    scheduled that many days ahead), ``hours`` of display (``None``: no end), or a draft;
    ``months``: seasonal, only when the demo is loaded in one of these months (a heatwave alert
    in summer, a cold-weather plan in winter)."""

    title: str
    category: str
    target: str
    text: str
    days: int = 3
    hours: int | None = None
    draft: bool = False
    months: tuple[int, ...] = ()


def _ideas(entries):
    return [Idea(**{**entry, "months": tuple(entry.get("months", ()))}) for entry in entries]


NEWS = read("news")
INSTITUTION_IDEAS = {key: _ideas(entries) for key, entries in NEWS["institutions"].items()}
DEPARTEMENT_IDEAS = INSTITUTION_IDEAS["departement"]
TOWN_HALL_IDEAS = INSTITUTION_IDEAS["town_hall"]
LIBRARY_IDEAS = INSTITUTION_IDEAS["library"]
CAF_IDEAS = INSTITUTION_IDEAS["caf"]
OFFICIAL_IDEAS = {role: _ideas(entries) for role, entries in NEWS["officials"].items()}
MAYOR_IDEAS = OFFICIAL_IDEAS[MandateRole.MAYOR]
EPCI_PRESIDENT_IDEAS = OFFICIAL_IDEAS[MandateRole.EPCI_PRESIDENT]
COUNCILLOR_IDEAS = OFFICIAL_IDEAS[MandateRole.DEPARTMENTAL_COUNCILLOR]
ASSOCIATION_IDEAS = _ideas(NEWS["associations"])


class _PostPlanner:
    def __init__(self, *, rng, anchor, categories, territories):
        self.rng = rng
        self.anchor = anchor
        self.categories = categories
        self.territories = territories
        self.posts = []  # (Post, [territory pk...])

    def target(self, kind, commune):
        """The audience for ``kind`` around ``commune`` (empty: the whole département)."""
        if kind == COMMUNE:
            return commune
        if kind == EPCI and commune.epci_id:
            return self.territories.get(commune.epci_id)
        if kind == ARRONDISSEMENT and commune.arrondissement_id:
            return self.territories.get(commune.arrondissement_id)
        return None

    def add(self, idea, *, author_id, commune, organisation_id=None, name=""):
        if idea.months and self.anchor.month not in idea.months:
            return  # out of season on the day the demo is loaded
        target = self.target(idea.target, commune) if idea.target != WHOLE else None
        place = target.name if target is not None else ""
        if target is None and idea.target != WHOLE:
            place = commune.name
        of_place = of_epci(place) if target is not None and target.kind == "epci" else of(place)
        title = idea.title.format(of_place=of_place if place else "", name=name).strip()
        text = idea.text.format(place=place, of_place=of_place if place else "", name=name)
        minutes = self.rng.randint(0, 9 * 60)
        publish_at = (
            self.anchor - dt.timedelta(days=idea.days, hours=2) + dt.timedelta(minutes=minutes)
        )
        expires_at = publish_at + dt.timedelta(hours=idea.hours) if idea.hours is not None else None
        category = self.categories.get(idea.category) or next(iter(self.categories.values()))
        post = Post(
            title=title[:200],
            slug=slugify(title)[:200] or DEFAULT_SLUG,
            body=text,
            category=category,
            author_id=author_id,
            organisation_id=organisation_id,
            status=PostStatus.DRAFT if idea.draft else PostStatus.PUBLISHED,
            publish_at=None if idea.draft else publish_at,
            expires_at=None if idea.draft else expires_at,
            created_at=min(publish_at, self.anchor) - dt.timedelta(hours=3),
        )
        self.posts.append((post, [target.pk] if target is not None else []))


def plan_posts(*, plan, users, organisation_pks, seed_text):
    """Unsaved posts and their audiences (deterministic for a plan and its first load)."""
    categories = {category.slug: category for category in Category.objects.all()}
    territories = {
        territory.pk: territory
        for territory in Territory.objects.exclude(kind=TerritoryKind.COMMUNE).only(
            "pk", "kind", "name"
        )
    }
    communes = {
        commune.pk: commune
        for commune in Territory.objects.filter(kind=TerritoryKind.COMMUNE).only(
            "pk", "name", "epci_id", "arrondissement_id", "departement_id", "kind"
        )
    }
    if not categories or not communes:
        return []
    planner = _PostPlanner(
        rng=random.Random(seed_text),
        anchor=first_load(),
        categories=categories,
        territories=territories,
    )
    publishers = {}
    for membership in plan.memberships:  # an editor writes when there is one, else the manager
        if membership.role == OrganisationRole.EDITOR or membership.slug not in publishers:
            publishers[membership.slug] = users[membership.email]
    for organisation in plan.organisations:
        pk = organisation_pks.get(organisation.slug)
        author = publishers.get(organisation.slug)
        commune = communes.get(organisation.commune_id)
        if pk is None or author is None or commune is None:
            continue
        if organisation.status != VerificationStatus.VERIFIED:
            continue  # only verified organisations publish
        if organisation.kind == OrganisationKind.INSTITUTION:
            for idea in INSTITUTION_IDEAS.get(organisation.theme, []):
                # The departmental council's targeted posts go around the département.
                around = commune
                if organisation.theme == "departement" and idea.target != WHOLE:
                    around = planner.rng.choice(sorted(communes.values(), key=lambda c: c.pk))
                planner.add(idea, author_id=author, commune=around, organisation_id=pk)
        elif planner.rng.random() < 0.6:
            for idea in planner.rng.sample(ASSOCIATION_IDEAS, planner.rng.randint(1, 2)):
                planner.add(
                    idea,
                    author_id=author,
                    commune=commune,
                    organisation_id=pk,
                    name=organisation.name,
                )
    for mandate in plan.mandates:
        if mandate.status != VerificationStatus.VERIFIED:
            continue
        person = plan.person(mandate.email)
        home = communes.get(person.commune_id)
        if home is None:
            continue
        commune = home
        if mandate.role == MandateRole.MAYOR:  # about the commune they are the mayor of
            commune = communes.get(mandate.territory_id) or home
        for idea in OFFICIAL_IDEAS.get(mandate.role, []):
            planner.add(idea, author_id=users[mandate.email], commune=commune)
    return planner.posts


def load_posts(*, plan, users, organisation_pks):
    """Create the demo posts that are missing; returns what was created."""
    seed_text = "news:" + "|".join(person.email for person in plan.people[:3])
    planned = plan_posts(
        plan=plan, users=users, organisation_pks=organisation_pks, seed_text=seed_text
    )
    existing = set(
        Post.objects.filter(author_id__in=users.values()).values_list("author_id", "title")
    )
    new, audiences = [], []
    for post, audience in planned:
        key = (post.author_id, post.title)
        if key in existing:
            continue
        existing.add(key)
        new.append(post)
        audiences.append(audience)
    now = timezone.now()
    for post in new:
        # Live demo posts count as announced; the scheduled ones are announced when their
        # date comes, if a worker and its scheduler run.
        if post.status == PostStatus.PUBLISHED and post.publish_at and post.publish_at <= now:
            post.announced_at = post.publish_at
    Post.objects.bulk_create(new)
    through = Post.audience.through
    through.objects.bulk_create(
        [
            through(post_id=post.pk, territory_id=territory_pk)
            for post, audience in zip(new, audiences, strict=True)
            for territory_pk in audience
        ]
    )
    return {"posts": len(new)}


def news_totals(users):
    """Demo posts by state, and follows, for the summary."""
    posts = Post.objects.filter(author_id__in=users)
    by_status = dict(posts.values_list("status").annotate(n=Count("pk")).order_by())
    now = timezone.now()
    return {
        "posts": posts.count(),
        "published posts": by_status.get(PostStatus.PUBLISHED, 0),
        "scheduled posts": posts.filter(status=PostStatus.PUBLISHED, publish_at__gt=now).count(),
        "draft posts": by_status.get(PostStatus.DRAFT, 0),
    }
