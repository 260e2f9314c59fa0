"""What the seeding steps share: the row counts by scale, the run's ``Context`` (parameters,
territory, rows written so far), the progress bar and the bulk-writing helpers."""

import datetime as dt
import os
import random
import sys
import time
from dataclasses import dataclass, field

#: Row counts at ``--scale 1``.
FULL_SCALE = {
    "members": 100_000,
    "organisations": 10_000,
    "events": 200_000,
    "groups": 5_000,
    "memberships": 150_000,  # of the groups, owners and moderators included
    "threads": 100_000,
    "messages": 2_000_000,
    "posts": 20_000,
    "follows": 150_000,
    "consultations": 200,
    "responses": 300_000,  # to the consultations, each with its answers to the questions
    "questions": 20_000,  # to the elected officials and institutions, with their supports
    "local reports": 30_000,  # of problems in public space, with their supports
    "calls for volunteers": 3_000,  # by associations, three slots each, with sign-ups
    "notifications": 500_000,
}
#: Each step's minimum, so that a tiny scale still has something of each kind.
MINIMUM = {
    "members": 50,
    "organisations": 10,
    "events": 100,
    "groups": 10,
    "memberships": 60,
    "threads": 30,
    "messages": 150,
    "posts": 20,
    "follows": 50,
    "consultations": 3,
    "responses": 40,
    "questions": 20,
    "local reports": 30,
    "calls for volunteers": 10,
    "notifications": 100,
}
COUNCIL_NAME = "Conseil départemental de l'Oise"
BENCH_DOMAIN = "bench.parvis.example"
BENCH_PASSWORD = "bench-parvis-2026"
DEFAULT_SEED = 60
BATCH = 5_000
#: Groups written per transaction, and discussions whose messages are interleaved in time.
GROUP_BATCH = 1_000
THREAD_WINDOW = 2_000
#: At most this share of a consultation's audience answers it.
MAX_PARTICIPATION = 0.6
#: Events: days before and after the anchor day.
EVENT_SPAN_DAYS = 365


def setup_django():
    """Make the ``parvis`` package importable from a checkout and configure Django: this one,
    or the one ``BENCH_APP`` names (``bench/harness.py``: the code measured in process is then
    the code served)."""
    root = os.environ.get("BENCH_APP") or os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    )
    source = os.path.join(root, "src")
    if source not in sys.path:
        sys.path.insert(0, source)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()


class Progress:
    """A progress bar on the terminal (standard error), refreshed at most twice a second."""

    def __init__(self, label, total, out=None):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.out = out if out is not None else sys.stderr
        self.started = self.shown = time.monotonic()
        self._show()

    def advance(self, count):
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 0.5:
            self.shown = now
            self._show()

    def finish(self):
        self._show(end="\n")

    def _show(self, end=""):
        share = min(self.done / self.total, 1)
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - self.started
        self.out.write(
            f"\r{self.label:<14} [{bar:<30}] {share:4.0%} {self.done:>9,}/{self.total:,}"
            f"  {elapsed:6.1f} s{end}"
        )
        self.out.flush()


@dataclass
class Context:
    """What the steps share: the parameters, the territory and the rows written so far."""

    scale: float
    seed: int
    anchor: dt.date
    out: object = None
    communes: list = field(default_factory=list)  # (pk, name, epci_id, arrondissement_id)
    commune_weights: list = field(default_factory=list)  # cumulative populations
    members: list = field(default_factory=list)  # member pks, by rank
    member_communes: list = field(default_factory=list)  # commune rank of each member
    member_handles: list = field(default_factory=list)  # @mention handle of each member
    organisations: list = field(default_factory=list)  # (pk, commune rank, manager pk, verified)
    institutions: list = field(default_factory=list)  # organisation ranks of institutions
    events: list = field(default_factory=list)  # event pks, by rank
    groups: list = field(default_factory=list)  # (pk, name, is public, created at), by rank
    group_members: list = field(default_factory=list)  # active member ranks, owner first
    threads: list = field(default_factory=list)  # (pk, group rank, title), by rank
    counts: dict = field(default_factory=dict)  # rows written, by table
    timings: dict = field(default_factory=dict)  # seconds, by step
    _pools: tuple = None

    @property
    def end(self):
        """The moment the dataset's past ends (midnight UTC starting the anchor day): messages,
        answers and notifications are all written before it."""
        return dt.datetime.combine(self.anchor, dt.time(0), tzinfo=dt.UTC)

    def count(self, step):
        return max(round(FULL_SCALE[step] * self.scale), MINIMUM.get(step, 1))

    def rng(self, step):
        return random.Random(f"{self.seed}:{step}")

    def pick_communes(self, rng, k):
        """``k`` commune ranks drawn by population."""
        return rng.choices(range(len(self.communes)), cum_weights=self.commune_weights, k=k)

    def progress(self, label, total):
        return Progress(label, total, self.out)

    def wrote(self, table, rows):
        self.counts[table] = self.counts.get(table, 0) + rows

    def member_pools(self):
        """Member ranks by commune rank and by EPCI pk (computed once)."""
        if self._pools is None:
            by_commune, by_epci = {}, {}
            for rank, commune in enumerate(self.member_communes):
                by_commune.setdefault(commune, []).append(rank)
            for commune, ranks in by_commune.items():
                epci = self.communes[commune][2]
                if epci:
                    by_epci.setdefault(epci, []).extend(ranks)
            self._pools = by_commune, by_epci
        return self._pools


# --- bulk writing and drawing -----------------------------------------------------------------


def lognormal_weights(rng, count, sigma):
    """``count`` log-normal weights: a few large, many small."""
    return [rng.lognormvariate(0, sigma) for _index in range(count)]


def spread(rng, total, weights):
    """``total`` items spread over ``len(weights)`` bins by weight: the count of each bin."""
    counts = [0] * len(weights)
    if total > 0 and weights:
        for index in rng.choices(range(len(weights)), weights=weights, k=total):
            counts[index] += 1
    return counts


def copy_rows(model, fields, rows):
    """Write ``rows`` (tuples of the values of ``fields``, field names of ``model``) with
    ``COPY … FROM STDIN``: the fastest bulk insert, several times faster than ``bulk_create``
    for millions of rows (triggers run as for ``INSERT``). Returns the number of rows."""
    from django.db import connection

    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    written = 0
    with connection.cursor() as cursor:
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written


def reserve_ids(model, count):
    """``count`` fresh primary keys of ``model``, taken from its sequence (for rows written
    with ``COPY`` that other rows refer to)."""
    from django.db import connection

    if count <= 0:
        return range(0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [model._meta.db_table, model._meta.db_table, count],
        )
        (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def pick_members(rng, count, pool, members, taken, local=0.75):
    """Up to ``count`` member ranks not in ``taken`` (updated), mostly from ``pool``."""
    chosen, tries = [], 0
    while len(chosen) < count and tries < count * 20:
        tries += 1
        rank = rng.choice(pool) if pool and rng.random() < local else rng.randrange(members)
        if rank not in taken:
            taken.add(rank)
            chosen.append(rank)
    return chosen


def territory_names(kind):
    from parvis.territories.models import Territory

    return dict(Territory.objects.filter(kind=kind).values_list("pk", "name"))
