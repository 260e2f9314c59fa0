"""EXPLAIN ANALYZE the queries of the search page (``/recherche/?q=...``) on a bench database.

Renders the overview page once in process (Django's test client, anonymous), captures its SQL
queries, then runs ``EXPLAIN (ANALYZE, BUFFERS)`` on each and prints, per query: the execution
time, the buffers (hit/read) and the rows of the top node, and the table searched. Then the
median of ``--repeat`` renderings of the whole page. ``--plans`` also prints every plan::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parvis_bench_100 \\
    REDIS_URL=redis://127.0.0.1:6379/11 \\
    .venv/bin/python bench/search_explain.py marché beauvais --plans > out.txt
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seeding.base import setup_django  # noqa: E402

_TABLE = re.compile(r'FROM "(\w+)"')
_BUFFERS = re.compile(r"Buffers: (.*)")
_ROWS = re.compile(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)")
_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


def explain(connection, sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(term, *, repeat, plans):
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.test.utils import CaptureQueriesContext

    client = Client()
    url = f"/recherche/?{urlencode({'q': term})}"
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    print(f"# {url}: status {response.status_code}, {len(captured.captured_queries)} queries")
    print(f"{'table':32} {'ms':>9} {'rows':>6}  buffers")
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        # The captured SQL has its parameters inlined; explain it as is.
        plan = explain(connection, sql.replace("%", "%%"), ())
        table = _TABLE.search(sql)
        lines = plan.splitlines()
        top_buffers = next((m.group(1) for m in map(_BUFFERS.search, lines) if m), "-")
        top_rows = next((m.group(1) for m in map(_ROWS.search, lines) if m), "-")
        execution = _EXECUTION.search(plan)
        print(
            f"{table.group(1) if table else '?':32} "
            f"{float(execution.group(1)) if execution else 0:9.1f} {top_rows:>6}  {top_buffers}"
        )
        if plans:
            print(sql[:400])
            print(plan)
            print("-" * 80)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"# whole page: median {statistics.median(timings):.0f} ms, "
        f"fastest {min(timings):.0f} ms ({repeat} runs)\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("terms", nargs="*", default=["marché"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plans", action="store_true")
    args = parser.parse_args()
    setup_django()
    for term in args.terms:
        measure(term, repeat=args.repeat, plans=args.plans)


if __name__ == "__main__":
    main()
