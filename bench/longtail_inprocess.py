"""The long tail's uncached cost, in process: what ``bench/longtail.py``'s third scenario (the
page cache off) asks of Python and PostgreSQL, without wrk, gunicorn or a quiet machine.

    python bench/longtail_inprocess.py [--requests 600] [--rounds 3] [--profile [KIND]]

It takes the addresses of ``bench/longtail_urls.py`` (same ``--urls`` and ``--seed`` as
``bench/longtail.py``: the same list on the same database and day), ranks them as
``longtail.py`` does (the front pages first, the others shuffled) and draws ``--requests``
requests from them by Zipf's law (``1 / rank``), as wrk would send them. It renders each with
the Django test client as a visitor (the API's addresses as JSON) with the page cache off
(``PARVIS_PAGE_CACHE_SECONDS=0``, and its fragments too unless ``--fragments``), ``--rounds``
times after a warm-up (each address of the sample once: templates loaded, as in a server's
worker; the addresses remembered per process, ``core.reversing``, are forgotten at the start
of each round, so that only the links a round repeats are remembered), and
prints the total and mean milliseconds of a round (each request's median over the rounds;
and the mean of each request's best round, which a busy machine disturbs less),
elapsed and of this process's CPU (Python's share, steadier on a shared machine), and each
kind's share of the requests and of the time. ``--profile`` runs cProfile over one
round (or only the requests of ``KIND``) and prints the top functions; ``--json`` keeps the
figures, ``--dump`` the profile (for ``pstats``: callers, callees).

Run with the environment of the database being measured (docs/performance.md, "Uncached
pages"); ``BENCH_APP`` measures another checkout's code (``bench/seeding/base.py``), so a
"before" and an "after" can be alternated on the same machine state.
"""

import argparse
import cProfile
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # ``bench.*`` as a script

from bench.longtail import draw, ranked  # noqa: E402
from bench.longtail_urls import collect  # noqa: E402
from bench.probe import counting, print_profile  # noqa: E402
from bench.seed import setup_django  # noqa: E402


def sample(urls, seed, requests):
    """``[(kind, path), ...]``: ``requests`` requests drawn by popularity from the long
    tail's addresses (as ``bench/longtail.py`` draws wrk's sequence)."""
    kinds = collect(urls, seed)
    kind_of = {path: kind for kind, paths in kinds.items() for path in paths}
    drawn = draw(ranked(kinds, seed), requests, seed=seed)
    return [(kind_of[path], path) for path in drawn]


def get(client, path):
    accept = "application/json" if path.startswith("/api/") else "text/html"
    return client.get(path, HTTP_ACCEPT=accept)


def forget_addresses():
    """Empty the addresses remembered per process (``core.reversing``), as a worker that has
    not yet served these pages: an item's link is remembered only if its page comes again
    in the round (what the warm-up rendered does not count)."""
    from parvis.core import reversing

    for name in ("_reverse", "_reverse_link"):
        if hasattr(reversing, name):
            getattr(reversing, name).cache_clear()


def timed_round(client, requests, statuses):
    """Each request's milliseconds, elapsed and of this process's CPU; a status other than the
    warm-up's stops the measure."""
    forget_addresses()
    times = []
    for (_kind, path), status in zip(requests, statuses, strict=True):
        start, cpu = time.perf_counter(), time.process_time()
        response = get(client, path)
        times.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
        if response.status_code != status:
            raise SystemExit(f"{path} answered {response.status_code}, then {status}")
    return times


def report(requests, times, statuses, queries):
    """Print the totals and the kinds' shares; return them as a dict. ``times`` holds each
    request's (elapsed, CPU) milliseconds: the CPU of this process (Python's work, not
    PostgreSQL's) varies less with the load of a shared machine than the elapsed time."""
    count = len(requests)
    total, total_cpu = (sum(column) for column in zip(*times, strict=True))
    by_kind, cpu_by_kind = defaultdict(float), defaultdict(float)
    counts, query_counts = Counter(), defaultdict(int)
    for (kind, _path), (ms, cpu), queried in zip(requests, times, queries, strict=True):
        by_kind[kind] += ms
        cpu_by_kind[kind] += cpu
        counts[kind] += 1
        query_counts[kind] += queried
    print(
        f"{count} requests ({len(set(requests))} distinct addresses): {total:.0f} ms, "
        f"mean {total / count:.2f} ms a request ({total_cpu / count:.2f} ms of CPU), "
        f"{sum(queries) / count:.2f} queries a request"
    )
    print(f"statuses: {dict(sorted(Counter(statuses).items()))}")
    print(
        f"{'kind':14} {'requests':>8} {'share':>6} {'mean ms':>8} {'cpu ms':>7} {'queries':>7}"
        f" {'time':>6} {'cpu':>6}"
    )
    kinds = {}
    for kind, ms in sorted(by_kind.items(), key=lambda item: -item[1]):
        n, cpu = counts[kind], cpu_by_kind[kind]
        kinds[kind] = {
            "requests": n,
            "mean_ms": round(ms / n, 2),
            "mean_cpu_ms": round(cpu / n, 2),
            "queries": round(query_counts[kind] / n, 1),
            "time_share": round(ms / total, 4),
            "cpu_share": round(cpu / total_cpu, 4),
        }
        print(
            f"{kind:14} {n:8} {n / count:6.1%} {ms / n:8.2f} {cpu / n:7.2f}"
            f" {query_counts[kind] / n:7.1f} {ms / total:6.1%} {cpu / total_cpu:6.1%}"
        )
    return {
        "total_ms": round(total, 1),
        "mean_ms": round(total / count, 2),
        "mean_cpu_ms": round(total_cpu / count, 2),
        "kinds": kinds,
    }


class statement_clock:
    """An ``execute_wrapper`` summing each SQL text's elapsed milliseconds and calls (the
    parameters left out: one line per query shape)."""

    def __init__(self):
        self.totals = defaultdict(lambda: [0.0, 0])

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            total = self.totals[sql]
            total[0] += (time.perf_counter() - start) * 1000
            total[1] += 1


def print_statements(client, connection, requests, top):
    """Render ``requests`` once more, timing each statement; print the ``top`` SQL texts by
    total time (where the database's share of a round goes)."""
    forget_addresses()
    clock = statement_clock()
    with connection.execute_wrapper(clock):
        for _kind, path in requests:
            get(client, path)
    total = sum(ms for ms, _calls in clock.totals.values())
    print(f"statements: {total:.0f} ms in {sum(c for _, c in clock.totals.values())} queries")
    ranked_sql = sorted(clock.totals.items(), key=lambda item: -item[1][0])[:top]
    for sql, (ms, calls) in ranked_sql:
        print(f"{ms:8.1f} ms {calls:5} calls {ms / calls:7.2f} ms  {sql[:600]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=3000, help="as bench/longtail.py's")
    parser.add_argument("--seed", type=int, default=60, help="as bench/longtail.py's")
    parser.add_argument("--requests", type=int, default=600, help="requests drawn")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (median of each)")
    parser.add_argument(
        "--profile", nargs="?", const="", metavar="KIND", help="cProfile a round (or a kind)"
    )
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative,tottime")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--dump", help="with --profile: keep the profile in this file (pstats)")
    parser.add_argument(
        "--sql",
        type=int,
        default=0,
        metavar="N",
        help="after the rounds, time each statement of one more round: print the N that took "
        "the most time, summed by SQL text",
    )
    parser.add_argument(
        "--fragments",
        action="store_true",
        help="keep the cache's fragments on (reused after the warm-up: no writes here)",
    )
    args = parser.parse_args()

    # As the benchmark's servers (bench/harness.py): the API's throttles do not answer 429.
    for name in ("API_THROTTLE_ANON", "API_THROTTLE_USER"):
        os.environ.setdefault(name, "off")
    setup_django()
    from django.db import connection
    from django.test import Client, override_settings

    requests = sample(args.urls, args.seed, args.requests)
    client = Client()
    fragment_seconds = {} if args.fragments else {"PARVIS_FRAGMENT_CACHE_SECONDS": 0}
    with override_settings(PARVIS_PAGE_CACHE_SECONDS=0, **fragment_seconds):
        statuses, queries = [], []
        for _kind, path in requests:  # warm-up: also the statuses and query counts
            with counting(connection) as counted:
                statuses.append(get(client, path).status_code)
            queries.append(len(counted))
        rounds = [timed_round(client, requests, statuses) for _ in range(args.rounds)]
        times = [
            (statistics.median(ms for ms, _ in values), statistics.median(c for _, c in values))
            for values in zip(*rounds, strict=True)
        ]
        best = [
            (min(ms for ms, _ in values), min(c for _, c in values))
            for values in zip(*rounds, strict=True)
        ]
        print(f"rounds: {', '.join(f'{sum(ms for ms, _ in r):.0f} ms' for r in rounds)}")
        print(
            f"best of the rounds: mean {sum(ms for ms, _ in best) / len(best):.2f} ms a request"
            f" ({sum(c for _, c in best) / len(best):.2f} ms of CPU)"
        )
        result = report(requests, times, statuses, queries)
        if args.sql:
            print_statements(client, connection, requests, args.sql)
        if args.profile is not None:
            chosen = [item for item in requests if not args.profile or item[0] == args.profile]
            profiler = cProfile.Profile()
            profiler.enable()
            for _kind, path in chosen:
                get(client, path)
            profiler.disable()
            print_profile(profiler, args.sort, args.top)
            if args.dump:
                profiler.dump_stats(args.dump)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(
                {
                    "load": os.getloadavg(),
                    "rounds_ms": [round(sum(ms for ms, _ in r), 1) for r in rounds],
                    "best_mean_ms": round(sum(ms for ms, _ in best) / len(best), 2),
                    "best_mean_cpu_ms": round(sum(c for _, c in best) / len(best), 2),
                    **result,
                    "requests": [
                        [kind, path, status, round(ms, 2), round(cpu, 2)]
                        for (kind, path), status, (ms, cpu) in zip(
                            requests, statuses, times, strict=True
                        )
                    ],
                },
                file,
                indent=1,
            )


if __name__ == "__main__":
    main()
