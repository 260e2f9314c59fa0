"""A reproducible Oise-scale dataset on PostgreSQL, for measuring pages at the size of a whole
département (``docs/performance.md``; the benchmark of issue 7 builds on it).

Scale 1.0 (``FULL_SCALE``) is 100,000 members spread over the 680 communes by population,
10,000 organisations with their managers (the first is the departmental council), 200,000
events over two years around the anchor day (40% recurring: weekly for 2 to 8 weeks, every
other week on two days, monthly on "the 2nd Tuesday"), expanded into some 520,000 dates (about
700 a day), with participants; 5,000 groups (a quarter private) with 150,000 memberships,
100,000 discussions and 2,000,000 messages (a long tail: a median discussion has ~10, the
longest well over a thousand; 8% of the replies quote an earlier one, 4% @mention a member;
read markers of a few members per discussion); 20,000 information posts and 150,000 follows;
200 consultations with 300,000 responses (and their ~1,000,000 answers); 500,000 notifications.
``--scale 0.01`` and ``--scale 0.1`` give the 1% and 10% versions. The same seed, scale and
anchor give the same data: every step draws from its own random generator (``"<seed>:<step>"``)
and refers to earlier rows by their rank, not their primary key. The denormalised columns
(``Group.member_count``, ``thread_count``, ``last_activity_at``; ``Thread.message_count``,
``last_message``; dense ``Message.position``; ``Consultation.response_count``) are what the
services would have kept; ``tests/bench/test_seed.py`` checks them.

Run it on a database of its own (its name must contain "bench"), migrated, with the Oise
imported::

    createdb -h 127.0.0.1 -U postgres parvis_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/parvis_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py import_territory 60
    .venv/bin/python bench/seed.py --scale 1 --reset

``--reset`` empties the seeded tables first (``TRUNCATE … RESTART IDENTITY CASCADE``). Rows are
written in batches, with ``bulk_create`` or, for the large tables, PostgreSQL's ``COPY`` (no
services, no e-mail, no activity records; the database's triggers run, e.g. the messages'
search documents), then the tables are ``ANALYZE``d. Members log in with ``BENCH_PASSWORD``;
their addresses are ``membre000001@bench.parvis.example`` and so on.

The steps live in ``bench/seeding/``, one module a domain (``people``, ``organisations``,
``agenda``, ``groups``, ``news``, ``consultations``, ``notifications``); ``base`` holds what they
share (``FULL_SCALE``, ``Context``, the ``COPY`` helpers) and ``build`` runs them (``seed()``).
Extending it (as capabilities land): write a ``seed_<things>(ctx)`` function in the module of its
domain that reads what it needs from ``ctx`` (``ctx.members``, ``ctx.organisations``,
``ctx.rng("<things>")``, ``ctx.count("<things>")``), add its full-scale count to ``FULL_SCALE``,
its tables to ``_reset_models()`` and the function to ``STEPS`` (both in ``build``).
"""

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``bench.seeding`` when run as a script or imported as ``seed``
    sys.path.insert(0, str(ROOT))

from bench.seeding.base import (  # noqa: E402
    BENCH_DOMAIN,
    BENCH_PASSWORD,
    DEFAULT_SEED,
    FULL_SCALE,
    MINIMUM,
    Context,
    setup_django,
)
from bench.seeding.build import STEPS, _reset_models, check_database, reset, seed  # noqa: E402

__all__ = [
    "BENCH_DOMAIN",
    "BENCH_PASSWORD",
    "DEFAULT_SEED",
    "FULL_SCALE",
    "MINIMUM",
    "STEPS",
    "Context",
    "_reset_models",
    "check_database",
    "main",
    "reset",
    "seed",
    "setup_django",
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="1.0 = 100,000 members, 200,000 events, 2,000,000 messages... (default); 0.01 = 1%%",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--anchor",
        type=dt.date.fromisoformat,
        help="the day the events are spread around (YYYY-MM-DD; default: today)",
    )
    parser.add_argument("--reset", action="store_true", help="empty the seeded tables first")
    parser.add_argument("--allow-any-database", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    setup_django()
    name = check_database(args.allow_any_database)
    started = time.monotonic()
    ctx = seed(
        scale=args.scale,
        seed=args.seed,
        anchor=args.anchor,
        reset_first=args.reset,
        allow_any_database=args.allow_any_database,
    )
    print(
        f"Seeded {name} at scale {args.scale:g} (seed {args.seed}, anchor {ctx.anchor}) "
        f"in {time.monotonic() - started:.0f} s:"
    )
    for table, rows in ctx.counts.items():
        print(f"  {table:<26} {rows:>10,}")
    print("Seconds by step: " + ", ".join(f"{k} {v:.0f}" for k, v in ctx.timings.items()))


if __name__ == "__main__":
    main()
