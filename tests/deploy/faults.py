"""Services of our own for the fault tests (tests/deploy/test_faults.py): a PostgreSQL cluster
and a Redis in temporary directories on free ports, the application served by gunicorn on
them, and a load of visitors and members that records every answer.

The shared PostgreSQL (5432) and Redis (6379) of the other tests are never stopped: the only
use of the shared PostgreSQL is reading the test database with ``pg_dump`` to copy it into the
private cluster. A missing binary fails the test with a clear message (never a skip).
"""

import glob
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(command, *, user=None, check=True, timeout=120, **kwargs):
    if user and os.geteuid() == 0:
        command = ["runuser", "-u", user, "--", *command]
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return result


def postgres_bindir():
    """The directory of PostgreSQL's server programs (initdb, pg_ctl)."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(re.findall(r"\d+", p)[0])
    )
    for path in reversed(candidates):
        if os.access(f"{path}/initdb", os.X_OK) and os.access(f"{path}/pg_ctl", os.X_OK):
            return Path(path)
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    pytest.fail(
        "The fault tests need PostgreSQL's server programs (initdb, pg_ctl): "
        "apt-get install postgresql (make test installs it).",
        pytrace=False,
    )


class PostgresCluster:
    """A PostgreSQL cluster of our own (trust authentication on loopback, no fsync)."""

    def __init__(self):
        self.bindir = postgres_bindir()
        # Not under pytest's tmp_path (private to root): the server runs as "postgres".
        self.workdir = Path(tempfile.mkdtemp(prefix="parvis-faults-pg-"))
        self.datadir = self.workdir / "pgdata"
        self.logfile = self.workdir / "postgres.log"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None

    def url(self, name="parvis"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self):
        if self.user:
            shutil.chown(self.workdir, self.user)
        _run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.datadir),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            user=self.user,
        )
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        _run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.datadir),
                "-l",
                str(self.logfile),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            user=self.user,
        )

    def stop(self, mode="fast"):
        _run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.datadir),
                "-m",
                mode,
                "-w",
                "-t",
                "60",
                "stop",
            ],
            user=self.user,
            check=False,
        )

    def remove(self):
        self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def accepts(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def copy_test_database(self, name="parvis"):
        """Copy pytest's test database (schema and rows) into this cluster, as ``name``."""
        settings = connection.settings_dict
        pg_dump = shutil.which("pg_dump") or str(self.bindir / "pg_dump")
        psql = shutil.which("psql") or str(self.bindir / "psql")
        _run(
            [
                psql,
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-q",
                "-c",
                f"CREATE DATABASE {name}",
            ]
        )
        env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
        dump = subprocess.Popen(  # noqa: S603
            [
                pg_dump,
                "--no-owner",
                "--no-privileges",
                "-h",
                settings["HOST"] or "127.0.0.1",
                "-p",
                str(settings["PORT"] or 5432),
                "-U",
                settings["USER"] or "postgres",
                settings["NAME"],
            ],
            stdout=subprocess.PIPE,
            env=env,
        )
        restore = subprocess.run(  # noqa: S603
            [
                psql,
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                name,
            ],
            stdin=dump.stdout,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        dump.stdout.close()
        assert dump.wait(60) == 0, "pg_dump of the test database failed"
        assert restore.returncode == 0, restore.stderr[-3000:]

    def query(self, sql, name="parvis"):
        psql = shutil.which("psql") or str(self.bindir / "psql")
        result = _run(
            [
                psql,
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-At",
                "-d",
                name,
                "-c",
                sql,
            ]
        )
        return result.stdout.strip()


def redis_binary():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "The fault tests need redis-server: apt-get install redis-server "
            "(make test installs it).",
            pytrace=False,
        )
    return binary


class Gunicorn:
    """The application served by gunicorn (production settings) in its own process group."""

    def __init__(self, workdir, *, database_url, redis_url, static_root, workers=3):
        self.workdir = Path(workdir)
        self.port = free_port()
        self.logfile = self.workdir / "gunicorn.log"
        var_dir = self.workdir / "var"
        var_dir.mkdir(parents=True, exist_ok=True)
        (var_dir / "static").symlink_to(static_root)
        self.env = production_env(var_dir, database_url=database_url, redis_url=redis_url)
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "parvis.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={workers}",
            "--timeout=30",
            "--graceful-timeout=5",
        ]
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
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{self.log()}", pytrace=False)
            try:
                if get(self.port, "/sante/").status in (200, 503):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer within 60 s:\n{self.log()}", pytrace=False)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if self.process is not None:
            self._log.close()

    def log(self):
        return self.logfile.read_text(errors="replace")[-5000:]


def production_env(var_dir, *, database_url, redis_url):
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "fault-tests-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PARVIS_VAR_DIR": str(var_dir),
        "MEDIA_STORAGE": "filesystem",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(PROJECT / "src"),
        "LOG_LEVEL": "WARNING",
    }


def collect_static(workdir):
    """The release's static files (production settings need the manifest)."""
    var_dir = Path(workdir) / "release"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT,
        env=production_env(var_dir, database_url="", redis_url=""),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return var_dir / "static"


# --- HTTP, as a browser reduced to cookies ----------------------------------------------------


@dataclass
class Answer:
    status: int
    text: str
    headers: dict = field(default_factory=dict)


def get(port, path, cookies=None, method="GET", form=None, timeout=15):
    headers = {"Host": f"127.0.0.1:{port}", "Accept-Language": "fr"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        raw = conn.getresponse()
        answer = Answer(raw.status, raw.read().decode(errors="replace"))
        answer.headers = {k.lower(): v for k, v in raw.getheaders()}
        set_cookies = raw.headers.get_all("Set-Cookie") or []
    finally:
        conn.close()
    if cookies is not None:
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    cookies.pop(name, None)
                else:
                    cookies[name] = morsel.value
    return answer


def log_in(port, email, password):
    """A member's cookies after logging in through the site's form."""
    cookies = {}
    page = get(port, "/compte/login/", cookies)
    assert page.status == 200, page.status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = get(
        port,
        "/compte/login/",
        cookies,
        method="POST",
        form={"csrfmiddlewaretoken": token, "login": email, "password": password},
    )
    assert answer.status == 302, (answer.status, answer.text[:2000])
    return cookies


def post_form(port, cookies, path, data):
    page = get(port, path, cookies)
    assert page.status == 200, (page.status, path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return get(port, path, cookies, method="POST", form={"csrfmiddlewaretoken": token, **data})


# --- load -------------------------------------------------------------------------------------


@dataclass
class Hit:
    at: float
    who: str
    path: str
    status: int  # 0: no answer (connection refused, reset, timeout)
    seconds: float
    logged_in: bool | None
    traceback: bool


class Load:
    """Visitors and members browsing in threads until stopped; every answer is recorded."""

    def __init__(self, port, *, visitors, members, visitor_paths, member_paths):
        self.port = port
        self.hits = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._browse, args=(f"visitor-{i}", None, visitor_paths))
            for i in range(visitors)
        ] + [
            threading.Thread(target=self._browse, args=(f"member-{i}", cookies, member_paths))
            for i, (cookies, _name) in enumerate(members)
        ]
        self.names = {f"member-{i}": name for i, (_c, name) in enumerate(members)}

    def _browse(self, who, cookies, paths):
        index = 0
        while not self.stopping.is_set():
            path = paths[index % len(paths)]
            index += 1
            started = time.monotonic()
            try:
                answer = get(self.port, path, dict(cookies) if cookies else None, timeout=20)
                status, text = answer.status, answer.text
            except OSError:
                status, text = 0, ""
            seconds = time.monotonic() - started
            logged_in = None
            if cookies is not None and status == 200:
                logged_in = self.names[who] in text
            hit = Hit(
                started,
                who,
                path,
                status,
                seconds,
                logged_in,
                "Traceback" in text or "Exception Value" in text,
            )
            with self.lock:
                self.hits.append(hit)
            time.sleep(0.02)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)

    def between(self, start, end):
        with self.lock:
            return [hit for hit in self.hits if start <= hit.at < end]


def summary(hits):
    """Requests, answers by status, and latency percentiles of ``hits``."""
    statuses = Counter(hit.status for hit in hits)
    times = sorted(hit.seconds for hit in hits) or [0.0]
    return {
        "requests": len(hits),
        "statuses": dict(sorted(statuses.items())),
        "p50_ms": round(times[len(times) // 2] * 1000),
        "p95_ms": round(times[int(len(times) * 0.95) - 1 if len(times) > 1 else 0] * 1000),
    }


def new_token():
    return secrets.token_urlsafe(8)
