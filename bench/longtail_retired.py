"""What each kind of write retires among the long tail's cached pages: the precision of the
page cache's invalidation, without wrk, gunicorn or a quiet machine.

    python bench/longtail_retired.py [--urls 3000] [--writes 3] [--json FILE]

It takes the addresses of ``bench/longtail_urls.py`` (same ``--urls`` and ``--seed`` as
``bench/longtail.py``), asks each once as a visitor with the page cache on (the Django test
client; the API's as JSON), checks that a second sweep finds them all cached, then for each
kind of ``bench/longtail_writers.py``'s writes performs ``--writes`` writes of that kind
through the services and asks every address again: an answer that is not a cache hit is a
page those writes retired (asking again also stores it anew for the next kind). It prints,
per kind of write, the pages retired by kind of page and a few examples, and the mean pages
retired by a write of ``bench/longtail.py``'s mix (``MIX``).

It writes to the database it runs on (as ``bench/longtail.py`` does). Use a Redis database of
its own (``REDIS_URL``): the cache's tags are not per PostgreSQL database, so another process
writing through the same Redis database (a seeding, a benchmark) retires pages here too.
Run with the environment of the database being measured (docs/performance.md, "Uncached
pages").
"""

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # ``bench.*`` as a script

from bench.longtail_urls import collect  # noqa: E402
from bench.seeding.base import setup_django  # noqa: E402


def sweep(client, addresses, header):
    """``Counter`` of the addresses (by kind) that were not served from the cache, and them."""
    missed, paths = Counter(), []
    for kind, path in addresses:
        accept = "application/json" if path.startswith("/api/") else "text/html"
        if client.get(path, HTTP_ACCEPT=accept).get(header) != "hit":
            missed[kind] += 1
            paths.append(path)
    return missed, paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=3000, help="as bench/longtail.py's")
    parser.add_argument("--seed", type=int, default=60, help="as bench/longtail.py's")
    parser.add_argument("--writes", type=int, default=3, help="writes of each kind")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    for name in ("API_THROTTLE_ANON", "API_THROTTLE_USER"):
        os.environ.setdefault(name, "off")
    setup_django()
    from django.test import Client

    from bench.longtail_writers import MIX, Writers
    from parvis.core.pagecache import STATUS_HEADER

    kinds = collect(args.urls, args.seed)
    addresses = [(kind, path) for kind, paths in kinds.items() for path in paths]
    sizes = Counter(kind for kind, _ in addresses)
    client = Client()
    started = time.perf_counter()
    sweep(client, addresses, STATUS_HEADER)
    print(f"{len(addresses)} addresses asked once in {time.perf_counter() - started:.0f} s")
    missed, _ = sweep(client, addresses, STATUS_HEADER)
    print(f"asked again with no write: {sum(missed.values())} not cached {dict(missed)}")
    writers = Writers(seed=args.seed)
    results = {}
    for kind in MIX:
        for _ in range(args.writes):
            getattr(writers, kind)()
        missed, paths = sweep(client, addresses, STATUS_HEADER)
        per_write = sum(missed.values()) / args.writes
        results[kind] = {"per_write": round(per_write, 1), "by_kind": dict(missed)}
        shown = ", ".join(f"{page} {count}/{sizes[page]}" for page, count in missed.items())
        print(f"{kind:8} {per_write:6.1f} pages a write ({shown or 'none'})")
        for path in paths[:5]:
            print(f"           {path}")
    weights = sum(MIX.values())
    mean = sum(results[kind]["per_write"] * weight for kind, weight in MIX.items()) / weights
    print(f"a write of the mix {MIX}: {mean:.1f} pages retired on average")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"mean_per_write": round(mean, 1), "kinds": results}, file, indent=1)


if __name__ == "__main__":
    main()
