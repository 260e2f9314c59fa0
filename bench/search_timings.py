"""Time the search box over the 48 searches of ``bench/probe.py`` (``SEARCH_TERMS``), in
process (Django's test client), for a visitor, a member, the API and the typeahead, with the
page cache on and off.

    python bench/search_timings.py [--passes 3] [--cache on,off] [--only member]

Run with the environment of the database being measured (see docs/performance.md, "Search
at 100%") and the API's rate limits raised (``API_THROTTLE_ANON=off``);
``BENCH_APP`` names the checkout measured (``bench/seeding/base.py``). Each audience gets one
warm pass over the 48 searches (not timed), then ``--passes`` timed ones; prints the median,
90th percentile and slowest request, and the median and largest number of queries per
request.
"""

import argparse
import os
import statistics
import sys
import time
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from probe import SEARCH_TERMS, clients, counting  # noqa: E402
from seed import setup_django  # noqa: E402

AUDIENCES = (
    ("visitor", "/recherche/", False),
    ("member", "/recherche/", True),
    ("api", "/api/recherche/", False),
    ("suggestions", "/recherche/suggestions/", False),
    ("one type", "/recherche/?type=evenements", False),
)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(client, connection, path, passes):
    separator = "&" if "?" in path else "?"
    urls = [f"{path}{separator}{urlencode({'q': term})}" for term in SEARCH_TERMS]
    for url in urls:  # the warm pass
        assert client.get(url).status_code == 200, url
    times, queries = [], []
    for _ in range(passes):
        for url in urls:
            with counting(connection) as counted:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries.append(counted.count)
    return times, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--cache", default="on,off", help="on, off or both (on,off)")
    parser.add_argument("--only", help="only the audiences whose name contains this")
    args = parser.parse_args()

    setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import override_settings

    visitor, member = clients()
    print(f"code: {os.environ.get('BENCH_APP') or 'this checkout'}; load {os.getloadavg()}")
    for mode in args.cache.split(","):
        seconds = 600 if mode == "on" else 0
        cache.clear()
        with override_settings(PARVIS_PAGE_CACHE_SECONDS=seconds):
            for name, path, as_member in AUDIENCES:
                if args.only and args.only not in name:
                    continue
                client = member if as_member else visitor
                times, queries = measure(client, connection, path, args.passes)
                print(
                    f"cache {mode:3} {name:12} median {statistics.median(times):7.1f} ms"
                    f"  p90 {percentile(times, 0.9):7.1f}  max {max(times):7.1f}"
                    f"  queries median {statistics.median(queries):4.1f} max {max(queries)}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
