"""The long tail's addresses: thousands of distinct public pages read off a seeded database.

``collect(total, seed)`` returns ``{kind: [path, ...]}``: what visitors of a département
read on an evening — the front pages, event pages, discussions (several pages of the long
ones), groups, organisations, communes and intercommunalities, officials, the agenda's list
and month views with filters (commune, intercommunality, category, dates), directory
searches, information, consultations and the API's lists. Every address is one a visitor may
read (the visibility selectors with an anonymous user) and none repeats; each kind gets its
share of ``total`` (``SHARES``), fewer when the data has fewer. The same database and seed
give the same list.

Run by ``bench/longtail.py`` with the environment of the database being measured: prints the
JSON document on standard output.
"""

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

#: Each kind's share of the addresses (the rest of a kind that has fewer goes unused).
SHARES = {
    "front": 0.005,
    "event": 0.20,
    "thread": 0.15,
    "group": 0.06,
    "organisation": 0.05,
    "territory": 0.08,
    "official": 0.02,
    "agenda list": 0.12,
    "agenda month": 0.06,
    "directory": 0.06,
    "news": 0.06,
    "consultation": 0.02,
    "api": 0.115,
}
#: The pages everyone starts from: the head of the popularity ranking.
FRONT = (
    "/",
    "/agenda/",
    "/groupes/",
    "/actualites/",
    "/consultations/",
    "/annuaire/",
    "/communes/",
    "/organisations/",
    "/elus/",
)
#: Pages of a long discussion read (a visitor rarely goes past the third).
THREAD_PAGES = 3
#: Words searched in the directory (names of associations, places, people).
DIRECTORY_WORDS = (
    "sport",
    "club",
    "culture",
    "musique",
    "association",
    "amis",
    "comite",
    "football",
    "danse",
    "patrimoine",
    "jeunes",
    "martin",
    "bernard",
    "petit",
    "durand",
)
DIRECTORY_TYPES = ("associations", "institutions", "groups", "residents", "officials")


def _query(path, **params):
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{path}?{urlencode(params)}" if params else path


def _sample(rng, queryset, count):
    """Up to ``count`` rows of ``queryset`` drawn at random (reproducibly: by primary key)."""
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(pks, min(count, len(pks)))
    rows = queryset.model.objects.in_bulk(chosen)
    return [rows[pk] for pk in chosen]


def _territories():
    from parvis.territories.models import Territory, TerritoryKind

    by_kind = {kind: [] for kind in TerritoryKind.values}
    for territory in Territory.objects.order_by("pk"):
        by_kind[territory.kind].append(territory)
    return by_kind


def _months(today, span=4):
    first = today.replace(day=1)
    months = []
    for offset in range(-1, span):
        year, month = divmod(first.month - 1 + offset, 12)
        months.append(dt.date(first.year + year, month + 1, 1))
    return months


def _dates(rng, today):
    start = today + dt.timedelta(days=rng.randint(-30, 90))
    return start.isoformat(), (start + dt.timedelta(days=rng.choice((0, 1, 6, 13, 30)))).isoformat()


class Candidates:
    """Endless supplies of addresses, kind by kind (``kind(rng, want)`` yields paths; they
    may repeat: ``collect`` keeps the distinct ones)."""

    def __init__(self, today):
        from parvis.agenda.models import Category

        self.today = today
        self.territories = _territories()
        self.communes = self.territories["commune"]
        self.epcis = self.territories["epci"]
        self.categories = list(
            Category.objects.filter(is_active=True).order_by("pk").values_list("slug", flat=True)
        )

    def front(self, rng, want):
        yield from FRONT

    def event(self, rng, want):
        from django.contrib.auth.models import AnonymousUser

        from parvis.agenda.selectors import events_visible_to

        for event in _sample(rng, events_visible_to(AnonymousUser()), want):
            yield event.get_absolute_url()

    def thread(self, rng, want):
        from django.contrib.auth.models import AnonymousUser

        from parvis.groups.selectors import thread_page_count, threads_visible_to

        threads = threads_visible_to(AnonymousUser())
        for thread in _sample(rng, threads.select_related("group"), want):
            url = thread.get_absolute_url()
            yield url
            for page in range(2, min(thread_page_count(thread), THREAD_PAGES) + 1):
                yield _query(url, page=page)

    def group(self, rng, want):
        from django.contrib.auth.models import AnonymousUser

        from parvis.groups.models import Theme
        from parvis.groups.selectors import groups_visible_to

        for group in _sample(rng, groups_visible_to(AnonymousUser()), want // 2):
            yield group.get_absolute_url()
        while True:  # the list, by theme and place
            territory = rng.choice(self.communes + self.epcis)
            yield _query(
                "/groupes/",
                theme=rng.choice(["", *Theme.values]),
                **{territory.kind: territory.pk},
            )

    def organisation(self, rng, want):
        from django.contrib.auth.models import AnonymousUser

        from parvis.organisations.selectors import organisations_visible_to

        for organisation in _sample(rng, organisations_visible_to(AnonymousUser()), want):
            yield organisation.get_absolute_url()

    def territory(self, rng, want):
        kinds = [kind for kind, rows in self.territories.items() if rows]
        while True:
            kind = "commune" if rng.random() < 0.8 else rng.choice(kinds)
            yield rng.choice(self.territories[kind]).get_absolute_url()

    def official(self, rng, want):
        from django.contrib.auth.models import AnonymousUser

        from parvis.accounts.models import MandateRole
        from parvis.officials.selectors import officials_visible_to

        for official in _sample(rng, officials_visible_to(AnonymousUser()), want // 2):
            yield f"/elus/{official.pk}/"
        while True:  # the list, by place and mandate
            territory = rng.choice(self.communes + self.epcis)
            yield _query(
                "/elus/",
                role=rng.choice(["", *MandateRole.values]),
                **{territory.kind: territory.code},
            )

    def _agenda_filters(self, rng):
        filters = {}
        place = rng.random()
        if place < 0.5:
            filters["commune"] = rng.choice(self.communes).code
        elif place < 0.7 and self.epcis:
            filters["epci"] = rng.choice(self.epcis).code
        if self.categories and rng.random() < 0.4:
            filters["category"] = rng.choice(self.categories)
        return filters

    def agenda_list(self, rng, want):
        while True:
            filters = self._agenda_filters(rng)
            if rng.random() < 0.4:
                filters["from"], filters["to"] = _dates(rng, self.today)
            if rng.random() < 0.1:
                filters["free"] = "1"
            yield _query("/agenda/", **filters)

    def agenda_month(self, rng, want):
        months = _months(self.today)
        while True:
            month = rng.choice(months)
            yield _query(f"/agenda/mois/{month:%Y-%m}/", **self._agenda_filters(rng))

    def directory(self, rng, want):
        while True:
            params = {"type": rng.choice(DIRECTORY_TYPES)}
            if rng.random() < 0.6:
                params["q"] = rng.choice(DIRECTORY_WORDS)
            if rng.random() < 0.5:
                territory = rng.choice(self.communes + self.epcis)
                params[territory.kind] = territory.pk
            yield _query("/annuaire/", **params)

    def news(self, rng, want):
        from parvis.news.models import Category
        from parvis.news.selectors import public_posts

        for post in _sample(rng, public_posts(), want // 2):
            yield post.get_absolute_url()
        categories = list(Category.objects.order_by("pk").values_list("slug", flat=True))
        while True:
            yield _query(
                "/actualites/",
                commune=rng.choice(self.communes).code,
                categorie=rng.choice(["", *categories]),
            )

    def consultation(self, rng, want):
        from parvis.consultations.selectors import published_consultations

        for consultation in _sample(rng, published_consultations(), want):
            yield consultation.get_absolute_url()
        while True:
            yield _query(
                "/consultations/",
                etat=rng.choice(["", "ouvertes", "a-venir", "terminees"]),
                commune=rng.choice(self.communes).code,
            )

    def api(self, rng, want):
        while True:
            roll = rng.random()
            if roll < 0.6:
                filters = self._agenda_filters(rng) or {"commune": rng.choice(self.communes).code}
                if rng.random() < 0.3:
                    filters["from"], filters["to"] = _dates(rng, self.today)
                yield _query("/api/evenements/", **filters)
            elif roll < 0.8:
                yield _query("/api/actualites/", commune=rng.choice(self.communes).code)
            elif roll < 0.9:
                yield _query("/api/organisations/", commune=rng.choice(self.communes).code)
            else:
                yield _query(
                    "/api/territoires/", kind="commune", search=rng.choice(self.communes).name[:4]
                )


#: How many candidates a kind may draw without a new address before it counts as exhausted.
PATIENCE = 200


def collect(total=3000, seed=60, today=None):
    """``{kind: [path, ...]}``: about ``total`` distinct public addresses (see the module
    doc), the same for the same database, ``total``, ``seed`` and ``today``."""
    from django.utils import timezone

    candidates = Candidates(today or timezone.localdate())
    seen = set()
    kinds = {}
    for kind, share in SHARES.items():
        want = max(round(total * share), 1) if kind != "front" else len(FRONT)
        rng = random.Random(f"{seed}:{kind}")
        paths, misses = [], 0
        for path in getattr(candidates, kind.replace(" ", "_"))(rng, want):
            if path in seen:
                misses += 1
                if misses >= PATIENCE:
                    break
                continue
            seen.add(path)
            paths.append(path)
            misses = 0
            if len(paths) >= want:
                break
        kinds[kind] = paths
    return kinds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=3000, help="how many addresses (about)")
    parser.add_argument("--seed", type=int, default=60)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.seed import setup_django

    setup_django()
    json.dump(collect(args.urls, args.seed), sys.stdout)


if __name__ == "__main__":
    main()
