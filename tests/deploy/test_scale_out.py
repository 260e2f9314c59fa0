"""Scaling out the web tier, run for real (docs/deployment.md, "Scaling out the web tier"): two
stateless application servers (gunicorn, production settings) on two loopback ports behind
nginx, sharing nothing but PostgreSQL and Redis.

- A member logs in through server A; the session cookie is a logged-in member on server B.
- Through nginx, requests alternate between A and B (nginx names the upstream that answered in
  an ``X-Upstream`` header) and the member stays logged in.
- Logging out through B logs the member out on A: the session is gone from Redis and the
  database.
- A visitor's page stored in the page cache (Redis) by A is the one B serves.
- Behind nginx, log-in rate limits key on each client's own address (``PARVIS_TRUSTED_PROXIES``):
  a client locked out after five failures (from 127.0.0.2) does not lock out another (from
  127.0.0.3), and a forged ``X-Forwarded-For`` does not free the first.

nginx runs with the proxy settings of deploy/nginx/parvis.conf (its ``location /`` block, read
from the file), on plain HTTP. Run with ``-s`` to see what was proved.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
import redis
from django.conf import global_settings
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import connection

from parvis.territories.models import Territory

from ..factories import UserFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_NGINX = PROJECT / "deploy" / "nginx" / "parvis.conf"


def report(capsys, text):
    with capsys.disabled():
        print(f"\n[proved] {text}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER'] or 'postgres'}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def nginx_binary():
    binary = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if binary is None:
        pytest.fail(
            "nginx is required by the scale-out test (make test installs it)",
            pytrace=False,
        )
    return binary


# --- a browser reduced to cookies ---------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def header(self, name):
        return self.headers.get(name)


class Browser:
    """One visitor's browser: a cookie jar shared by every server it talks to (same site), no
    redirect following. The servers run with production settings (``Secure`` cookies) behind
    a plain-HTTP loopback proxy: the jar sends cookies whatever their ``Secure`` flag."""

    def __init__(self, source="127.0.0.1", headers=None):
        self.cookies = {}
        self.source = source  # the loopback address it connects from
        self.headers = headers or {}

    def request(self, method, port, path, form=None):
        headers = {"Host": f"127.0.0.1:{port}", "Accept-Language": "fr", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=30, source_address=(self.source, 0)
        )
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read().decode())
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, port, path):
        return self.request("GET", port, path)

    def post_form(self, port, path, form_path, data):
        """GET ``form_path`` for its CSRF token, then POST ``data`` to ``path``."""
        page = self.get(port, form_path)
        assert page.status == 200, (page.status, form_path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.request("POST", port, path, {"csrfmiddlewaretoken": token, **data})


# --- the processes ------------------------------------------------------------------------------


class Processes:
    """Subprocesses in their own process groups, all killed at the end (even on failure)."""

    def __init__(self, logdir):
        self.logdir = logdir
        self.started = []

    def start(self, name, command, env=None):
        log = (self.logdir / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process, log))
        return process

    def log(self, name):
        return (self.logdir / f"{name}.log").read_text(errors="replace")[-4000:]

    def wait_http(self, name, process, port, path, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"{name} exited ({process.returncode}):\n{self.log(name)}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"{name} did not answer {path} within {timeout} s:\n{self.log(name)}")

    def stop_all(self):
        for _, process, _ in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process, log in self.started:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
            log.close()


@pytest.fixture(scope="module")
def processes(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("logs")
    started = Processes(logdir)
    try:
        yield started
    finally:
        started.stop_all()


def production_env(var_dir, shared):
    """One application server's environment: production settings, the shared database, Redis
    and media, and a local directory of its own (``PARVIS_VAR_DIR``) that must hold nothing
    another server needs."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": shared["secret_key"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        "REDIS_URL": shared["redis_url"],
        "PARVIS_VAR_DIR": str(var_dir),
        "MEDIA_STORAGE": "filesystem",
        "MEDIA_ROOT": str(shared["media"]),
        "PARVIS_PRIVATE_ROOT": str(shared["private"]),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # nginx of deploy/ appends the address it saw to X-Forwarded-For.
        "PARVIS_TRUSTED_PROXIES": "1",
    }


def nginx_conf(tmp, port, upstream_ports):
    """An nginx configuration for loopback: the upstream and ``location /`` of the production
    file, plain HTTP, every path in ``tmp`` (no root needed), in the foreground."""
    production = PRODUCTION_NGINX.read_text()
    location = re.search(r"\n    location / \{\n.*?\n    \}\n", production, re.S).group(0)
    # nginx names the server that answered: the test sees the round-robin at work.
    location = location.replace(
        "location / {\n", "location / {\n        add_header X-Upstream $upstream_addr always;\n"
    )
    servers = "".join(f"    server 127.0.0.1:{p} fail_timeout=0;\n" for p in upstream_ports)
    temp = "\n".join(
        f"    {kind}_temp_path {tmp}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/access.log;
{temp}
    # Buffer in memory only (the temp paths may be out of the reach of an unprivileged worker).
    proxy_max_temp_file_size 0;
upstream parvis_app {{
{servers}    keepalive 32;
}}
server {{
    listen 127.0.0.1:{port};
    server_name 127.0.0.1;
    client_max_body_size 12m;
{location}}}
}}
"""


@pytest.fixture(scope="module")
def site(django_db_setup, processes, tmp_path_factory):
    """Two gunicorn servers and nginx in front, on the test database (started once for the
    module; each test's rows are committed, ``transaction=True``):
    ``{"a": port, "b": port, "proxy": port}``."""
    nginx = nginx_binary()
    tmp_path = tmp_path_factory.mktemp("scale-out")
    shared = {
        "secret_key": secrets.token_urlsafe(64),
        "redis_url": django_settings.REDIS_URL,
        "media": tmp_path / "shared" / "media",
        "private": tmp_path / "shared" / "private",
    }
    assert shared["redis_url"], "the scale-out test needs REDIS_URL (sessions and cache)"
    # The release's static files, collected once; each server's own static/ points to them
    # (on real machines, each has its identical copy from its own `collectstatic`).
    release = tmp_path / "release"
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT,
        env=production_env(release, shared),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert collect.returncode == 0, collect.stderr
    ports = {"a": free_port(), "b": free_port()}
    for name, port in ports.items():
        var_dir = tmp_path / f"server-{name}"
        var_dir.mkdir()
        (var_dir / "static").symlink_to(release / "static")
        processes.start(
            f"gunicorn-{name}",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "parvis.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--timeout=60",
                "--access-logfile=-",
            ],
            env=production_env(var_dir, shared),
        )
    proxy_dir = tmp_path / "nginx"
    proxy_dir.mkdir()
    ports["proxy"] = free_port()
    conf = proxy_dir / "nginx.conf"
    conf.write_text(nginx_conf(proxy_dir, ports["proxy"], [ports["a"], ports["b"]]))
    command = [nginx, "-e", str(proxy_dir / "error.log"), "-p", str(proxy_dir), "-c", str(conf)]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    for name in ("a", "b"):
        gunicorn = next(p for n, p, _ in processes.started if n == f"gunicorn-{name}")
        processes.wait_http(f"gunicorn-{name}", gunicorn, ports[name], "/sante/")
    proxy = processes.start("nginx", command)
    processes.wait_http("nginx", proxy, ports["proxy"], "/sante/", timeout=20)
    return ports


@pytest.fixture
def member(settings, oise):
    """A member with a verified e-mail address, whose password the servers can check (their
    hashers are the production ones, not the tests' fast one)."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    return UserFactory(
        email="claire.dubois@example.org", first_name="Claire", commune=oise["beauvais"]
    )


def is_logged_in(response):
    return response.status == 200 and re.search(r'id="welcome-title">[^<]*Claire', response.text)


def session_exists(session_key):
    return Session.objects.filter(session_key=session_key).exists()


def test_a_member_logged_in_through_one_server_is_logged_in_through_the_other(
    capsys, site, member, password
):
    a, b, proxy = site["a"], site["b"], site["proxy"]
    browser = Browser()

    login = browser.post_form(
        a, "/compte/login/", "/compte/login/", {"login": member.email, "password": password}
    )
    assert login.status == 302, login.text[-2000:]
    assert login.header("Location") == "/"
    session_key = browser.cookies["sessionid"]
    assert is_logged_in(browser.get(a, "/"))
    report(capsys, f"the member logged in through server A (:{a})")

    # Server B has never seen this member: the session comes from Redis (or the database).
    assert is_logged_in(browser.get(b, "/"))
    settings_page = browser.get(b, "/compte/parametres/")
    assert settings_page.status == 200
    assert member.email in settings_page.text
    report(capsys, f"server B (:{b}) knows the member from the session cookie A set")

    # Through nginx, round-robin: both servers answer, the member logged in on each answer.
    upstreams = []
    for _ in range(6):
        response = browser.get(proxy, "/")
        assert is_logged_in(response), response.status
        upstreams.append(response.header("X-Upstream"))
    assert set(upstreams) == {f"127.0.0.1:{a}", f"127.0.0.1:{b}"}, upstreams
    report(capsys, f"through nginx (:{proxy}) the pages came from {upstreams}, logged in on all")

    # Logging out through B ends the session everywhere.
    logout = browser.post_form(b, "/compte/logout/", "/compte/logout/", {})
    assert logout.status == 302, logout.text[-2000:]
    assert browser.cookies.get("sessionid") != session_key
    assert not session_exists(session_key)
    assert not is_logged_in(browser.get(a, "/"))
    # An old copy of the cookie (a second tab, a stolen cookie) is refused by A as well.
    stale = Browser()
    stale.cookies["sessionid"] = session_key
    settings_page = stale.get(a, "/compte/parametres/")
    assert settings_page.status == 302
    assert settings_page.header("Location").startswith("/compte/login/")
    report(capsys, "logged out through B, the member is logged out on A (session deleted)")


def welcome(response):
    return re.search(r'id="welcome-title">([^<]*)<', response.text).group(1)


def test_a_visitor_page_cached_by_one_server_is_served_by_the_other(capsys, settings, site, oise):
    a, b = site["a"], site["b"]
    visitor = Browser()
    first = visitor.get(a, "/")
    assert first.status == 200
    assert "Oise" in welcome(first)
    stored = redis.Redis.from_url(settings.REDIS_URL).keys("*:pagecache:page:*")
    assert stored, "server A stored the home page in Redis"

    # Rename the département behind Django's back (no cache invalidation): B answering with the
    # old name proves it serves the page A stored, not one it rendered itself.
    with psycopg.connect(database_url()) as conn:
        conn.execute(
            "UPDATE territories_territory SET name = 'Oise renommée' WHERE id = %s",
            [oise["departement"].pk],
        )
    second = visitor.get(b, "/")
    assert second.status == 200
    assert welcome(second) == welcome(first)
    report(capsys, f"server B served the page server A cached: {welcome(second)!r}")

    # A write through Django on any machine retires the page for all of them.
    Territory.objects.filter(pk=oise["departement"].pk).update(name="Oise de nouveau")
    for port in (a, b):
        assert "Oise de nouveau" in welcome(visitor.get(port, "/"))
    report(capsys, "a write made by a third process retired the cached page on both servers")


LOCKED_OUT = "Trop de tentatives de connexion échouées"


def test_behind_nginx_a_client_locked_out_does_not_lock_out_the_others(
    capsys, site, member, password
):
    proxy = site["proxy"]
    attacker = Browser(source="127.0.0.2")
    for number in range(5):
        failed = attacker.post_form(
            proxy,
            "/compte/login/",
            "/compte/login/",
            {"login": f"inconnu{number}@example.org", "password": "mauvais-mot-de-passe"},
        )
        assert failed.status == 200
        assert LOCKED_OUT not in failed.text
    blocked = attacker.post_form(
        proxy, "/compte/login/", "/compte/login/", {"login": member.email, "password": password}
    )
    assert blocked.status == 200
    assert LOCKED_OUT in blocked.text
    report(capsys, "five failures from 127.0.0.2 through nginx locked 127.0.0.2 out")

    # Writing another address in X-Forwarded-For does not help: nginx appends the real one.
    forger = Browser(source="127.0.0.2", headers={"X-Forwarded-For": "127.0.0.3"})
    forged = forger.post_form(
        proxy, "/compte/login/", "/compte/login/", {"login": member.email, "password": password}
    )
    assert forged.status == 200
    assert LOCKED_OUT in forged.text
    report(capsys, "a forged X-Forwarded-For from 127.0.0.2 is still locked out")

    # Another visitor behind the same nginx logs in.
    neighbour = Browser(source="127.0.0.3")
    login = neighbour.post_form(
        proxy, "/compte/login/", "/compte/login/", {"login": member.email, "password": password}
    )
    assert login.status == 302, login.text[-2000:]
    assert is_logged_in(neighbour.get(proxy, "/"))
    report(capsys, "the member logging in from 127.0.0.3 through the same nginx is not locked out")
