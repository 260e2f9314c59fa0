"""The machinery of the digest benchmark (``bench/digest.py``): a loopback SMTP sink, the
benchmark's database (a copy of a seeded one), Django's setup, the Celery broker's queues and
the worker processes."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable


def log(message):
    print(f"[bench-digest] {message}", file=sys.stderr, flush=True)


# --- the SMTP sink ----------------------------------------------------------------------------


class SmtpSink:
    """A minimal SMTP server on loopback that accepts every message and counts it (EHLO/HELO,
    MAIL, RCPT, DATA, RSET, NOOP, QUIT): enough for ``smtplib`` and Django's SMTP backend.
    Runs its asyncio loop in a thread; ``messages``, ``connections`` and ``bytes`` count
    what arrived."""

    def __init__(self, host="127.0.0.1", port=0):
        self.host, self.port = host, port
        self.messages = self.connections = self.bytes = 0
        self._loop = None
        self._server = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="smtp-sink", daemon=True)

    def __enter__(self):
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the SMTP sink did not start")
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self):
        self._loop = asyncio.new_event_loop()
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._session, self.host, self.port, backlog=128, limit=2**24)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._server.close()

    async def _session(self, reader, writer):
        self.connections += 1
        writer.write(b"220 parvis-bench-sink ESMTP\r\n")
        try:
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb == b"EHLO":
                    writer.write(b"250-parvis-bench-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 end with <CRLF>.<CRLF>\r\n")
                    await writer.drain()
                    data = await reader.readuntil(b"\r\n.\r\n")
                    self.messages += 1
                    self.bytes += len(data)
                    writer.write(b"250 OK queued\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    break
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    writer.write(b"250 OK\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


# --- the database -----------------------------------------------------------------------------


def psql(server, sql, database="postgres"):
    return subprocess.run(
        ["psql", f"{server}/{database}", "-qtAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def ensure_database(server, name, template, wait):
    """Create ``name`` as a copy of ``template`` when missing (retried while someone is
    connected to the template, up to ``wait`` seconds)."""
    if "bench" not in name:
        raise SystemExit(f"Refusing database {name!r}: its name must contain 'bench'.")
    if psql(server, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1":
        return False
    if psql(server, f"SELECT 1 FROM pg_database WHERE datname = '{template}'") != "1":
        seed_template(server, template)
    deadline = time.monotonic() + wait
    while True:
        log(f"creating {name} from {template}")
        done = subprocess.run(
            [
                "psql",
                f"{server}/postgres",
                "-qtAc",
                f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            return True
        if "being accessed by other users" not in done.stderr or time.monotonic() > deadline:
            raise SystemExit(f"cannot create {name}: {done.stderr.strip()}")
        log(f"{template} is in use, retrying in 10 s")
        time.sleep(10)


def seed_template(server, template):
    """A fresh clone: seed ``parvis_bench_<percent>`` as ``make bench`` does (migrate,
    import Oise, ``bench/seed.py``; about 10 minutes at full scale)."""
    from bench.harness import prepare_scale

    match = re.fullmatch(r"parvis_bench_(\d{3})", template)
    if not match:
        raise SystemExit(f"{template} does not exist: pass --template parvis_bench_100.")
    log(f"{template} does not exist: seeding it first (as make bench does)")
    (BENCH / "var").mkdir(exist_ok=True)
    prepare_scale(server, int(match[1]) / 100, "redis://127.0.0.1:6379/12", BENCH / "var", False)


def parvis_env(database_url, redis_url, **extra):
    """The servers' environment of ``make bench`` (``bench/harness.py``), with real (not eager)
    Celery tasks and the links of the e-mails on the site's address."""
    from bench.harness import parvis_env as servers_env

    return {
        **servers_env(database_url, redis_url, BENCH / "var"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PARVIS_SITE_URL": "https://parvis.example",
        **extra,
    }


def setup_django(env, src):
    os.environ.update(env)
    sys.path.insert(0, str(src.resolve()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()


# --- the broker -------------------------------------------------------------------------------


class Broker:
    """Queue lengths of Celery's Redis transport: the list of every queue of the settings
    (``celery``, ``email``, ``digest``...; and their priority variants) and the ``unacked``
    hash (tasks a worker holds, reserved or running)."""

    def __init__(self, url):
        import redis
        from django.conf import settings

        self.client = redis.Redis.from_url(url)
        names = [settings.CELERY_TASK_DEFAULT_QUEUE]
        names += [queue.name for queue in getattr(settings, "CELERY_TASK_QUEUES", None) or []]
        self.queues = []
        for name in dict.fromkeys(names):
            self.queues.append(name.encode())
            self.queues += [name.encode() + b"\x06\x16" + str(p).encode() for p in (3, 6, 9)]

    def purge(self):
        self.client.delete(*self.queues, b"unacked", b"unacked_index", b"unacked_mutex")

    def sample(self):
        pipe = self.client.pipeline(transaction=False)
        for queue in self.queues:
            pipe.llen(queue)
        pipe.hlen(b"unacked")
        *lengths, unacked = pipe.execute()
        return sum(lengths), unacked


# --- workers ----------------------------------------------------------------------------------


def start_workers(count, env, logdir):
    workers = []
    for number in range(1, count + 1):
        logfile = logdir / f"worker-{number}.log"
        command = [
            str(Path(PYTHON).parent / "celery"),
            "-A",
            "parvis",
            "worker",
            "--concurrency",
            "1",
            "--hostname",
            f"bench-digest-{number}@%h",
            "--loglevel",
            "WARNING",
            "--logfile",
            str(logfile),
        ]
        with logfile.open("a") as output:
            workers.append(
                subprocess.Popen(  # noqa: S603
                    command,
                    env=env,
                    cwd=ROOT,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    return workers


def stop_workers(workers):
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def cpu_seconds(groups):
    """CPU seconds (user + system) used so far by the processes of these process groups
    (a worker and its pool child), from /proc; 0 where /proc is missing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def machine_busy():
    """``(busy, total)`` jiffies of all CPUs since boot (/proc/stat), or ``(0, 0)``."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def wait_for_workers(app, count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len(replies) >= count:
            return
    raise SystemExit(f"{count} workers did not answer within {timeout} s (see their logs)")
