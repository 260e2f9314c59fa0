"""``make bench-digest``: the daily notification digest for every member, with real workers.

Target (issue 7): the digest for 100,000 members completes in under 10 minutes with 2 workers,
with no more than a few hundred tasks queued at any moment.

What it does, on a PostgreSQL database of its own whose name contains "bench" (default
``parvis_bench_digest``, created as a copy of the seeded ``parvis_bench_100`` when missing —
``make bench`` builds that one):

1. Resets what an earlier run left (digest outbox rows, the notifications it wrote) and gives
   every active member 1 to 5 notifications waiting for the daily digest (types whose default
   delivery is "daily", created in the last 23 hours), written with ``COPY``, reproducibly
   (``--seed``). The seeded notifications that waited for a digest are set to "never" so that
   the run's work is exactly this.
2. Starts a loopback SMTP sink (a minimal asyncio SMTP server in this process: the e-mails really
   go through Django's SMTP backend and a TCP connection) and 2 Celery worker processes
   (``celery -A parvis worker --concurrency 1``, twice: prefork, one child executing tasks each)
   with production settings (``DEBUG=false``, not eager) on a Redis db of its own.
3. Queues ``digest_daily`` once, samples the broker every 0.5 s (``LLEN`` of the queue plus the
   unacknowledged tasks) and waits until every member's digest is marked sent (or ``--timeout``).
4. Prints a table and writes ``bench/results/digest-<date>.json`` / ``.md``.

``--profile`` instead runs one ``digest_batch`` (500 members) in this process under cProfile,
against the sink, and prints the top functions (the workers are not started).

The Redis db (``--redis``, default db 12) must be one of the benchmark's: its Celery queue is
emptied first. See docs/performance.md, "Daily digest at 100,000 members".
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # ``bench.*`` when run as a script

from bench.digest_services import (  # noqa: E402
    BENCH,
    PYTHON,
    Broker,
    SmtpSink,
    cpu_seconds,
    ensure_database,
    log,
    machine_busy,
    parvis_env,
    psql,
    setup_django,
    start_workers,
    stop_workers,
    wait_for_workers,
)

RESULTS = BENCH / "results"
TARGET_SECONDS = 600
TARGET_QUEUED = 300
#: The marker of the notifications a run writes (a key of their context): the next run
#: deletes them.
MARKER = "bench_digest"
#: Notifications per member: uniformly 1 to 5.
PER_MEMBER = (1, 5)
#: The types used (their default delivery is "daily"); drawn from seeded rows of these types
#: so that their targets, links and contexts are real.
DAILY_TYPES = ("groups.reply", "groups.new_thread")
TEMPLATE_ROWS = 2_000


# --- the notifications to send ---------------------------------------------------------------


def notification_plan(member_ids, templates, *, seed, now, per_member=PER_MEMBER):
    """The notifications to write: for each member (in the order given) ``per_member`` drawn
    uniformly, each a copy of a template row ``(type_key, actor, target_type, target_id, url,
    params)`` created in the last 23 hours. Yields ``(recipient, template, created_at)``; the
    same seed, members and templates give the same plan."""
    rng = random.Random(seed)
    low, high = per_member
    for member_id in member_ids:
        for _ in range(rng.randint(low, high)):
            template = rng.choice(templates)
            age = dt.timedelta(seconds=rng.randint(60, 23 * 3600))
            yield member_id, template, now - age


def prepare(seed):
    """Reset an earlier run and write the notifications waiting for today's digest; returns
    ``(members, notifications)``."""
    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    from parvis.accounts.models import User
    from parvis.notifications import registry
    from parvis.notifications.models import EmailOutbox, Notification, OutboxKind
    from parvis.notifications.registry import Delivery

    daily = [key for key in DAILY_TYPES if registry.get(key).default_delivery == Delivery.DAILY]
    notification = connection.ops.quote_name(Notification._meta.db_table)
    outbox = connection.ops.quote_name(EmailOutbox._meta.db_table)
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {notification} SET digest_id = NULL WHERE digest_id IS NOT NULL")  # noqa: S608
        cursor.execute(f"DELETE FROM {outbox} WHERE kind = %s", [OutboxKind.DIGEST])  # noqa: S608
        cursor.execute(f"DELETE FROM {notification} WHERE params ? %s", [MARKER])  # noqa: S608
        cursor.execute(
            f"UPDATE {notification} SET email_delivery = %s "  # noqa: S608
            "WHERE email_delivery = %s AND digest_id IS NULL",
            [Delivery.NEVER, Delivery.DAILY],
        )
        templates = list(
            Notification.objects.filter(type_key__in=daily)
            .order_by("pk")
            .values_list("type_key", "actor_id", "target_type_id", "target_id", "url", "params")[
                :TEMPLATE_ROWS
            ]
        )
        if not templates:
            raise SystemExit(f"No seeded notification of {daily}: is the database seeded?")
        members = list(
            User.objects.filter(is_active=True)
            .exclude(email="")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        now = timezone.now()
        fields = [
            "recipient_id",
            "type_key",
            "actor_id",
            "target_type_id",
            "target_id",
            "url",
            "params",
            "email_delivery",
            "created_at",
        ]
        columns = ", ".join(connection.ops.quote_name(f) for f in fields)
        written = 0
        with cursor.cursor.copy(f"COPY {notification} ({columns}) FROM STDIN") as copy:
            for member_id, template, created in notification_plan(
                members, templates, seed=seed, now=now
            ):
                key, actor, target_type, target_id, url, params = template
                copy.write_row(
                    (
                        member_id,
                        key,
                        actor if actor != member_id else None,
                        target_type,
                        target_id,
                        url,
                        Jsonb({**params, MARKER: seed}),
                        Delivery.DAILY,
                        created,
                    )
                )
                written += 1
    connection.close()
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute(f"VACUUM ANALYZE {notification}")  # noqa: S608
        cursor.execute(f"VACUUM ANALYZE {outbox}")  # noqa: S608
    log(
        f"{written:,} notifications for {len(members):,} members "
        f"in {time.monotonic() - started:.0f} s"
    )
    return len(members), written


def expected_digests():
    """Members who will get a digest: active, with an address, with a notification waiting
    (the dataset holds no delivery preferences that would drop them)."""
    from parvis.notifications.selectors import digest_pending

    return (
        digest_pending(cutoff=dt.datetime.now(dt.UTC))
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
        .values("recipient_id")
        .distinct()
        .count()
    )


def digest_counts():
    from django.db.models import Count

    from parvis.notifications.models import EmailOutbox, OutboxKind

    return dict(
        EmailOutbox.objects.filter(kind=OutboxKind.DIGEST)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )


# --- the run ----------------------------------------------------------------------------------


def run(args, broker, sink):
    from parvis import celery_app
    from parvis.notifications.tasks import digest_daily

    expected = expected_digests()
    log(f"{expected:,} digests expected")
    logdir = BENCH / "var" / "digest"
    logdir.mkdir(parents=True, exist_ok=True)
    env = parvis_env(
        args.database_url,
        args.redis,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        CACHE_KEY_PREFIX=os.environ["CACHE_KEY_PREFIX"],
        PYTHONPATH=str(args.src.resolve()),
    )
    workers = start_workers(args.workers, env, logdir)
    samples = []
    try:
        wait_for_workers(celery_app, args.workers)
        load_before = os.getloadavg()
        groups = {worker.pid for worker in workers}
        cpu_before, busy_before = cpu_seconds(groups), machine_busy()
        started = time.monotonic()
        digest_daily.apply_async()
        sent, counts, next_count = 0, {}, 0.0
        while True:
            time.sleep(0.5)
            elapsed = time.monotonic() - started
            queued, unacked = broker.sample()
            if elapsed >= next_count:  # a COUNT over the outbox: every 2 s is enough
                counts = digest_counts()
                sent = counts.get("sent", 0)
                next_count = elapsed + 2
            samples.append([round(elapsed, 1), queued, unacked, sent, sink.messages])
            if sent >= expected and queued == 0:
                break
            if elapsed > args.timeout:
                log(f"timeout after {args.timeout} s")
                break
            if any(worker.poll() is not None for worker in workers):
                log("a worker exited: see bench/var/digest/worker-*.log")
                break
            if len(samples) % 60 == 0:
                log(
                    f"{elapsed:5.0f} s: {sent:,}/{expected:,} sent, "
                    f"{queued} queued, {unacked} unacked"
                )
        total = time.monotonic() - started
        counts = digest_counts()
        sent = counts.get("sent", 0)
        load_after = os.getloadavg()
        worker_cpu = cpu_seconds(groups) - cpu_before
        busy_after = machine_busy()
        busy = busy_after[0] - busy_before[0]
        machine_cpu = busy / max(busy_after[1] - busy_before[1], 1)
    finally:
        stop_workers(workers)
    return {
        "expected": expected,
        "sent": sent,
        "outbox_states": counts,
        "smtp_messages": sink.messages,
        "smtp_connections": sink.connections,
        "smtp_megabytes": round(sink.bytes / 1e6, 1),
        "seconds": round(total, 1),
        "emails_per_second": round(sent / total, 1) if total else 0,
        "max_queued": max((s[1] for s in samples), default=0),
        "max_queued_with_unacked": max((s[1] + s[2] for s in samples), default=0),
        "max_unacked": max((s[2] for s in samples), default=0),
        "complete": sent >= expected,
        "workers_cpu_seconds": round(worker_cpu, 1),
        "workers_cpu_ms_per_email": round(worker_cpu * 1000 / max(sent, 1), 2),
        "machine_cpu_busy": round(machine_cpu, 3),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "samples": samples,
    }


def profile_batch(args, sink):
    """One ``digest_batch`` of 500 members in this process under cProfile, e-mails to the
    sink; prints the top functions and the SQL query count. The digests it made are reset by
    the next run."""
    import cProfile
    import pstats

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from parvis.notifications.tasks import DIGEST_BATCH_SIZE, digest_batch

    settings.MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": sink.port},
    }
    now = timezone.now()
    kwargs = {
        "day": timezone.localdate(now).isoformat(),
        "cutoff": now.isoformat(),
        "after": 0,
        "batch_size": DIGEST_BATCH_SIZE,
    }
    from unittest import mock

    # The batch would queue the next one: not here. A first batch timed without the
    # profiler, then the next members' batch under cProfile.
    with mock.patch("parvis.notifications.tasks._queue_batch"):
        with CaptureQueriesContext(connection) as queries:
            started = time.monotonic()
            sent = digest_batch.run(**kwargs)
            seconds = time.monotonic() - started
        print(
            f"digest_batch: {sent} digests in {seconds:.2f} s "
            f"({seconds / max(sent, 1) * 1000:.1f} ms each, "
            f"{len(queries) / max(sent, 1):.1f} queries each, "
            f"{sink.connections} SMTP connections so far)"
        )
        profiler = cProfile.Profile()
        profiler.enable()
        sent = digest_batch.run(**kwargs)
        profiler.disable()
    print(f"The next {sent} digests under cProfile:")
    for order in ("cumulative", "tottime"):
        pstats.Stats(profiler).sort_stats(order).print_stats(args.profile_top)


def versions(server):
    import celery
    import django
    import redis

    postgres = psql(server, "SHOW server_version")
    info = redis.Redis.from_url(os.environ["REDIS_URL"]).info("server")
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "celery": celery.__version__,
        "postgresql": postgres,
        "redis": info.get("redis_version", "?"),
    }


def markdown(report):
    r = report["result"]
    ok_time = r["complete"] and r["seconds"] <= TARGET_SECONDS
    ok_queue = r["max_queued_with_unacked"] <= TARGET_QUEUED
    states = ", ".join(f"{state} {count:,}" for state, count in r["outbox_states"].items())
    lines = [
        f"# Daily digest benchmark — {report['date']}",
        "",
        f"Database `{report['database']}`: {report['members']:,} members, "
        f"{report['notifications']:,} notifications waiting for the digest. "
        f"{report['workers']} Celery worker processes (`--concurrency 1` each), "
        f"e-mail by SMTP to a loopback sink. Machine: {report['machine']['cores']} cores, "
        f"load average {r['load_average_before'][0]} before, {r['load_average_after'][0]} after. "
        + ", ".join(f"{k} {v}" for k, v in report["versions"].items())
        + ".",
        "",
        "| measure | value | target |",
        "| --- | ---: | --- |",
        f"| digests sent / expected | {r['sent']:,} / {r['expected']:,} | all |",
        f"| total time | {r['seconds']:.0f} s ({r['seconds'] / 60:.1f} min) "
        f"| < {TARGET_SECONDS // 60} min {'✔' if ok_time else '✘'} |",
        f"| e-mails per second | {r['emails_per_second']:.1f} | |",
        f"| max tasks queued (waiting + unacked) | {r['max_queued_with_unacked']} "
        f"({r['max_queued']} + {r['max_unacked']}) "
        f"| ≤ {TARGET_QUEUED} {'✔' if ok_queue else '✘'} |",
        f"| workers' CPU per e-mail | {r['workers_cpu_ms_per_email']} ms "
        f"({r['workers_cpu_seconds']:.0f} s in all) | |",
        f"| machine CPU busy during the run (all processes) | "
        f"{r['machine_cpu_busy'] * 100:.0f} % | |",
        f"| SMTP messages / connections | {r['smtp_messages']:,} / {r['smtp_connections']:,} | |",
        f"| outbox digest rows by state | {states} | |",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without database (default from BENCH_POSTGRES)",
    )
    parser.add_argument("--database", default="parvis_bench_digest", help="name containing 'bench'")
    parser.add_argument("--template", default="parvis_bench_100", help="seeded database to copy")
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_DIGEST_REDIS", "redis://127.0.0.1:6379/12"),
        help="a Redis db of the benchmark's own (its Celery queue is emptied)",
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the notifications")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds (default 1800)")
    parser.add_argument(
        "--src",
        type=Path,
        default=ROOT / "src",
        help="the source tree run (default src/; another one for before/after comparisons)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one batch instead")
    parser.add_argument("--profile-top", type=int, default=35, help=argparse.SUPPRESS)
    parser.add_argument("--copy-wait", type=int, default=600, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    ensure_database(args.server, args.database, args.template, args.copy_wait)
    args.database_url = f"{args.server}/{args.database}"
    # A cache key prefix of this run: the digest's once-a-day guards of an earlier run
    # (same day) must not stop this one.
    env = parvis_env(
        args.database_url, args.redis, CACHE_KEY_PREFIX=f"bench-digest-{int(time.time())}"
    )
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"], env=env, check=True
    )
    setup_django(env, args.src)
    members, notifications = prepare(args.seed)
    broker = Broker(args.redis)
    broker.purge()
    with SmtpSink() as sink:
        log(f"SMTP sink on 127.0.0.1:{sink.port}")
        if args.profile:
            profile_batch(args, sink)
            return
        result = run(args, broker, sink)
    now = dt.datetime.now().astimezone()
    report = {
        "date": now.isoformat(timespec="seconds"),
        "database": args.database,
        "members": members,
        "notifications": notifications,
        "workers": args.workers,
        "workers_source": str(args.src),
        "worker_command": "celery -A parvis worker --concurrency 1 (one per worker)",
        "email": "Django SMTP backend to a loopback asyncio SMTP sink",
        "machine": {"cores": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(args.server),
        "targets": {"seconds": TARGET_SECONDS, "max_queued": TARGET_QUEUED},
        "result": result,
    }
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"digest-{now.strftime('%Y-%m-%dT%H%M')}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    text = markdown(report)
    stem.with_suffix(".md").write_text(text + "\n")
    print(text)
    log(f"written {stem}.json and {stem}.md")
    if not result["complete"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
