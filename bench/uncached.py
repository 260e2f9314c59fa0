"""Time the uncached render of the pages of ``bench/probe.py`` and a few of the long tail, in
process (Django test client, page cache off), and optionally profile them.

    python bench/uncached.py [--runs 15] [--only home] [--profile] [--top 30] [--json out.json]
    python bench/uncached.py --cached --only "home (member)" --runs 50 --sql

``--cached`` leaves the page cache on (as the load run sees the pages: a visitor's page, a
member's home fragments, from Redis after the warm-up); ``--sql`` prints the statements of one
request.

Run with the environment of the database being measured (see docs/performance.md,
"Uncached pages"). Prints the median (and min) of ``--runs`` requests per page after two of
warm-up, with the page's query count; ``--profile`` adds cProfile's top functions by
cumulative and internal time for each page.
"""

import argparse
import cProfile
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from probe import clients, pages, print_profile  # noqa: E402
from seed import setup_django  # noqa: E402


def recording(statements):
    """An execute wrapper appending each statement's SQL to ``statements``."""

    def wrapper(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def long_tail_pages():
    """A commune page, an organisation page and a filtered agenda list (as visitors)."""
    from django.utils import timezone

    from parvis.organisations.models import Organisation
    from parvis.territories.models import Territory, TerritoryKind

    found = []
    commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code="60057").first()
    if commune is None:
        commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("code").first()
    found.append(("commune page", commune.get_absolute_url(), False))
    organisation = Organisation.objects.order_by("pk").filter(slug__gt="").first()
    if organisation is not None:
        found.append(("organisation page", organisation.get_absolute_url(), False))
    today = timezone.localdate()
    found.append(("agenda filtered", f"/agenda/?commune={commune.code}&du={today:%Y-%m-%d}", False))
    found.append(("directory (type)", "/annuaire/?type=associations", False))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", help="only the pages whose name contains this")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative,tottime")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--cached", action="store_true", help="page cache on (Redis)")
    parser.add_argument("--sql", action="store_true", help="print one request's statements")
    args = parser.parse_args()

    setup_django()
    from django.db import connection
    from django.test import override_settings

    visitor, member = clients()
    results = []
    cache_off = {} if args.cached else {"PARVIS_PAGE_CACHE_SECONDS": 0}
    with override_settings(**cache_off):
        for name, url, as_member in pages() + long_tail_pages():
            if args.only and args.only not in name:
                continue
            if "api" in name or "ics" in name:
                continue
            client = member if as_member else visitor
            client.get(url)
            client.get(url)
            statements = []
            with connection.execute_wrapper(recording(statements)):
                response = client.get(url)
            if args.sql:
                print("\n".join(f"  {sql[:300]}" for sql in statements))
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            row = {
                "name": name,
                "url": url,
                "status": response.status_code,
                "queries": len(statements),
                "median_ms": round(statistics.median(times), 1),
                "min_ms": round(min(times), 1),
                "bytes": len(response.content),
            }
            results.append(row)
            print(
                f"{name:22} {row['median_ms']:8.1f} ms (min {row['min_ms']:7.1f})"
                f"  {row['queries']:3} q  {row['status']}  {row['bytes']:7} B  {url}",
                flush=True,
            )
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(5):
                    client.get(url)
                profiler.disable()
                print_profile(profiler, args.sort, args.top)
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"load": os.getloadavg(), "pages": results}, file, indent=1)


if __name__ == "__main__":
    main()
