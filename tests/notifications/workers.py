"""Real Celery workers and a real Redis for the tests that prove "no notification lost".

- ``broker(url)``: point this process's Celery app at a broker (and back).
- ``in_process_worker(...)``: a worker in a thread of the test process (shares mail.outbox).
- ``RedisServer``: a private redis-server on a free port, that a test stops and restarts
  (the shared Redis of the other tests is never touched).
- ``WorkerProcess``: ``celery worker`` (and beat) in a subprocess that a test may SIGKILL;
  it writes its e-mails to a directory through ``FileMailBackend`` (tests/notifications/
  mailbox.py) and uses the test database (committed data: ``transaction=True`` tests).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from celery.contrib.testing.worker import start_worker
from django.db import connection

from parvis import celery_app

PROJECT = Path(__file__).resolve().parents[2]


def _reset_producer_pools():
    """Forget the app's broker connection pools (kombu keeps one per broker URL)."""
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def broker(url):
    """This process publishes its tasks to ``url`` (not eagerly) inside the block."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    _reset_producer_pools()
    try:
        yield
    finally:
        celery_app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
        _reset_producer_pools()


@contextmanager
def in_process_worker(url, *, pool="solo", concurrency=1):
    with (
        broker(url),
        start_worker(
            celery_app,
            pool=pool,
            concurrency=concurrency,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ),
    ):
        yield


def purge(url):
    """Empty every queue of ``url`` (tasks left by an earlier test)."""
    with broker(url), celery_app.connection_for_write() as conn:
        for queue in celery_app.amqp.queues:
            conn.default_channel.queue_purge(queue)


def wait_until(predicate, timeout=30.0, interval=0.1):
    """Poll ``predicate`` until it is true; returns the seconds it took (or raises)."""
    started = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"still false after {timeout} s: {predicate}")
        time.sleep(interval)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server (no persistence: a restart loses the queue, like a crash)."""

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = Path(workdir)
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        assert binary, "the outage tests need redis-server"
        self.process = subprocess.Popen(  # noqa: S603
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None
        wait_until(lambda: not self._answers(), timeout=10)

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def database_url():
    """The test database (pytest-django's ``test_...``), for a worker subprocess."""
    settings = connection.settings_dict
    assert connection.vendor == "postgresql", "worker subprocesses need a shared database"
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


class WorkerProcess:
    """``celery worker`` in a subprocess (its own process group, so a test can kill it)."""

    def __init__(self, *, redis_url, maildir, logfile, beat=False, pool="solo", env=None):
        self.command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.notifications.worker_app",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            f"--hostname=test-{free_port()}@%h",
        ]
        if beat:
            self.command += ["--beat", f"--schedule={Path(logfile).with_suffix('.beat')}"]
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                [str(PROJECT), str(PROJECT / "src"), os.environ.get("PYTHONPATH", "")]
            ),
            "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
            "DATABASE_URL": database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "tests.notifications.mailbox.FileMailBackend",
            "PARVIS_TEST_MAILDIR": str(maildir),
            "DEBUG": "true",
            **(env or {}),
        }
        self.logfile = Path(logfile)
        self.process = None

    def start(self):
        self._log = self.logfile.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            self.command,
            cwd=PROJECT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: b"ready." in self.logfile.read_bytes(), timeout=60)
        return self

    def kill(self):
        """SIGKILL the whole worker (every process of its group): no warm shutdown, no ack."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def log(self):
        return self.logfile.read_text(errors="replace")
