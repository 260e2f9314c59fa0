"""Time the agenda's pages on the bench dataset (``bench/seed.py``), in process.

For each page: the SQL queries of one request, then the median (and fastest) of ``--repeat``
requests made with Django's test client after a warm-up request. The iCalendar feed is also
timed "cold" (cache emptied before each request: the cost of the first subscriber after a
change) and warm. Figures from one run are comparable with each other; across machines or
runs, compare ratios. Used for docs/performance.md::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parvis_bench \\
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/agenda_timings.py

It empties the cache of ``REDIS_URL``'s database: point it at a database of its own.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seed import setup_django  # noqa: E402


def pages(day):
    month = f"{day:%Y-%m}"
    return [
        ("list", "/agenda/"),
        ("month", f"/agenda/mois/{month}/"),
        ("month, filtered", f"/agenda/mois/{month}/?category=culture&commune=60057"),
        ("week", f"/agenda/semaine/{day:%Y-%m-%d}/"),
        ("day", f"/agenda/jour/{day:%Y-%m-%d}/"),
        ("feed (2,000 events)", "/agenda/flux.ics"),
        ("feed, one category", "/agenda/flux.ics?category=patrimoine"),
    ]


def fetch(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def measure(client, url, *, repeat, clear_cache=False):
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    if clear_cache:
        cache.clear()
    reset_queries()  # each request starts by emptying the log: count from zero
    with CaptureQueriesContext(connection) as queries:
        body = fetch(client, url)
    timings = []
    for _run in range(repeat):
        if clear_cache:
            cache.clear()
        started = time.perf_counter()
        fetch(client, url)
        timings.append((time.perf_counter() - started) * 1000)
    return len(queries), statistics.median(timings), min(timings), len(body)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--day", help="the day of the week/day pages (default: today)")
    args = parser.parse_args(argv)
    setup_django()
    import datetime as dt

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from parvis.agenda.models import Event, EventOccurrence

    day = dt.date.fromisoformat(args.day) if args.day else timezone.localdate()
    client = Client(HTTP_HOST="localhost")
    print(
        f"Database {connection.settings_dict['NAME']}: {Event.objects.count():,} events, "
        f"{EventOccurrence.objects.count():,} dates; median of {args.repeat} requests."
    )
    print()
    print("| Page | URL | Queries | Median | Fastest | Size |")
    print("|---|---|---|---|---|---|")
    for label, url in pages(day):
        runs = [(label, False)]
        if url.startswith("/agenda/flux.ics"):
            runs = [(f"{label}, cold cache", True), (f"{label}, warm", False)]
        for name, cold in runs:
            count, median, fastest, size = measure(
                client, url, repeat=args.repeat, clear_cache=cold
            )
            print(
                f"| {name} | `{url}` | {count} | {median:.0f} ms | {fastest:.0f} ms "
                f"| {size / 1024:.0f} KiB |"
            )


if __name__ == "__main__":
    main()
