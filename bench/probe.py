"""Pick the benchmark's URLs on a seeded database, log a member in, and count each page's SQL
queries in-process (Django test client, warm). Prints one JSON document on standard output.

Each page is probed twice: as the load run sees it (warm: visitors' pages and a member's home
blocks come from the page cache, ``core.pagecache``) and with the page cache off
(``PARVIS_PAGE_CACHE_SECONDS=0``: what the first visitor after a write pays), with the median
time of a few uncached requests in-process.

Run by ``bench/run.py`` with the environment of the database being measured.
"""

import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from seed import BENCH_DOMAIN, BENCH_PASSWORD, setup_django  # noqa: E402

#: Uncached requests timed per page (in-process, median).
UNCACHED_RUNS = 5

#: What people type in the search box, for the pages measured over many searches (each request
#: the next term, so that wrk's p99 is real searches, not one page served again): common words
#: of events, groups, posts and organisations, two-word searches, towns, surnames, typos,
#: postal codes, prefixes and words nothing matches.
SEARCH_TERMS = (
    "marché",
    "concert",
    "randonnée",
    "théâtre",
    "atelier",
    "bénévoles",
    "réunion",
    "vélo",
    "sport",
    "musique",
    "exposition",
    "fête",
    "brocante",
    "football",
    "lecture",
    "jardin",
    "danse",
    "conférence",
    "yoga",
    "travaux",
    "covoiturage",
    "bibliothèque",
    "Beauvais",
    "Compiègne",
    "Creil",
    "Senlis",
    "Noyon",
    "Chantilly",
    "Méru",
    "Crépy-en-Valois",
    "Pont-Sainte-Maxence",
    "Beauvias",
    "Compiegne",
    "randonee",
    "Martin",
    "Dubois",
    "Lefebvre",
    "Moreau",
    "fête de la musique",
    "marché de noël",
    "atelier vélo",
    "club de football",
    "conseil municipal",
    "comité des fêtes",
    "60000",
    "60200",
    "zythologie",
    "quidditch",
)


def clients():
    """A visitor's test client and one logged in as the bench's first member (Django set up)."""
    from django.test import Client

    visitor = Client()
    member = Client()
    if not member.login(email=f"membre000001@{BENCH_DOMAIN}", password=BENCH_PASSWORD):
        raise SystemExit("The bench member cannot log in: seed the database with bench/seed.py.")
    return visitor, member


def print_profile(profiler, sort, top):
    """cProfile's top ``top`` functions for each key of ``sort`` (comma-separated)."""
    import io
    import pstats

    for key in sort.split(","):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(top)
        print(out.getvalue())


def search_paths(path, **params):
    """``path?q=<term>&...`` for every term of ``SEARCH_TERMS``."""
    from urllib.parse import urlencode

    return [f"{path}?{urlencode({'q': term, **params})}" for term in SEARCH_TERMS]


def pages():
    """``(name, url, as_member)`` for every page measured, or ``(name, [url, ...], as_member)``
    for a page measured over many addresses (each request the next one); the pages of a
    capability that is not installed are left out (the runner says so)."""
    from django.apps import apps
    from django.utils import timezone

    from parvis.agenda.models import Event, EventOccurrence, EventStatus

    today = timezone.localdate()
    occurrence = (
        # Today's first event of an organisation (most are): the same kind of page at every
        # scale (a member's event costs one more query, for their verified mandates).
        EventOccurrence.objects.filter(
            event__status=EventStatus.PUBLISHED,
            event__organisation__isnull=False,
            start__date__gte=today,
            start__date__lte=today,
        )
        .select_related("event")
        .order_by("start", "pk")
        .first()
    ) or EventOccurrence.objects.filter(event__status=EventStatus.PUBLISHED).first()
    found = [
        ("home (visitor)", "/", False),
        ("home (member)", "/", True),
        ("agenda list", "/agenda/", False),
        ("agenda month", f"/agenda/mois/{today:%Y-%m}/", False),
        ("event page", occurrence.event.get_absolute_url(), False),
        ("ics feed", "/agenda/flux.ics", False),
        ("directory search", "/annuaire/?type=associations&q=sport", False),
        ("api events", "/api/evenements/", False),
        # The search box (parvis.core.search): a common word ("marché": weekly markets, groups,
        # associations, posts) over every type, one type by pages, the typeahead and the API.
        ("search (visitor)", "/recherche/?q=march%C3%A9", False),
        ("search (member)", "/recherche/?q=march%C3%A9", True),
        ("search one type", "/recherche/?q=march%C3%A9&type=evenements", False),
        ("search suggestions", "/recherche/suggestions/?q=marc", False),
        ("search name typo", "/recherche/?q=Beauvias", False),
        ("api search", "/api/recherche/?q=march%C3%A9", False),
        # The same over 48 searches, each request the next one (``SEARCH_TERMS``).
        ("search 48 terms (visitor)", search_paths("/recherche/"), False),
        ("search 48 terms (member)", search_paths("/recherche/"), True),
        ("api search 48 terms", search_paths("/api/recherche/"), False),
    ]
    if apps.is_installed("parvis.groups"):
        from parvis.groups.models import Group, GroupStatus, Thread, Visibility

        # The busiest public group (the most discussions: a full first page, the largest
        # count) and the longest discussion of a public group (a full page of 30 messages):
        # what a visitor reads most, and the worst case at each scale.
        readable = {"visibility": Visibility.PUBLIC, "status": GroupStatus.ACTIVE}
        group = Group.objects.filter(**readable).order_by("-thread_count", "pk").first()
        thread = (
            Thread.objects.filter(
                deleted_at__isnull=True, **{f"group__{k}": v for k, v in readable.items()}
            )
            .select_related("group")
            .order_by("-message_count", "pk")
            .first()
        )
        if group and group.thread_count:
            found.append(("group page", group.get_absolute_url(), False))
        if thread:
            found.append(("thread page", thread.get_absolute_url(), False))
    assert Event.objects.exists(), "no event: seed the database first"
    return found


class counting:
    """Count the SQL statements run on ``connection`` (an execute wrapper: whatever the
    debug-cursor settings)."""

    def __init__(self, connection):
        self.connection = connection
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self.wrapping = self.connection.execute_wrapper(self)
        self.wrapping.__enter__()
        return self

    def __exit__(self, *exc):
        self.wrapping.__exit__(*exc)

    def __len__(self):
        return self.count


def _size(response):
    return len(b"".join(response)) if response.streaming else len(response.content)


def probe_many(client, connection, name, urls, as_member):
    """A page measured over many addresses: the most queries one of them costs (warm, then
    with the page cache off: ``queries_range`` gives the fewest and the most) and the median
    time of one uncached request of each."""
    from django.test import override_settings

    counts, statuses, sizes = [], set(), []
    for url in urls:
        client.get(url)  # warm caches, as the load run does
        with counting(connection) as queries:
            response = client.get(url)
        counts.append(len(queries))
        statuses.add(response.status_code)
        sizes.append(_size(response))
    uncached, times = [], []
    with override_settings(PARVIS_PAGE_CACHE_SECONDS=0):
        for url in urls:
            with counting(connection) as queries:
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            uncached.append(len(queries))
    times.sort()
    return {
        "name": name,
        "url": urls[0],
        "urls": urls,
        "member": as_member,
        "status": max(statuses),
        "queries": max(counts),
        "queries_range": [min(counts), max(counts)],
        "queries_uncached": max(uncached),
        "queries_uncached_range": [min(uncached), max(uncached)],
        "uncached_ms": round(statistics.median(times), 1),
        "uncached_p90_ms": round(times[int(len(times) * 0.9)], 1),
        "bytes": round(statistics.mean(sizes)),
    }


def main():
    setup_django()
    from django.db import connection
    from django.test import override_settings

    visitor, member = clients()
    session = member.cookies["sessionid"].value
    results = []
    for name, url, as_member in pages():
        client = member if as_member else visitor
        if isinstance(url, list):
            results.append(probe_many(client, connection, name, url, as_member))
            continue
        client.get(url)  # warm caches, as the load run does
        with counting(connection) as queries:
            response = client.get(url)
        with override_settings(PARVIS_PAGE_CACHE_SECONDS=0):
            client.get(url)
            with counting(connection) as uncached:
                client.get(url)
            times = []
            for _ in range(UNCACHED_RUNS):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
        results.append(
            {
                "name": name,
                "url": url,
                "member": as_member,
                "status": response.status_code,
                "queries": len(queries),
                "queries_uncached": len(uncached),
                "uncached_ms": round(statistics.median(times), 1),
                "bytes": _size(response),
            }
        )
    json.dump({"session": session, "pages": results}, sys.stdout)


if __name__ == "__main__":
    main()
