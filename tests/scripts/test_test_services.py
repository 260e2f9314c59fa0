"""scripts/test-services.sh, the bootstrap `make test` runs first, on a made-up machine.

Each test runs the real script with a PATH of its own: a few real tools (bash, timeout...) and
fakes for what would change the machine or tell who is running it (`apt-get` records its calls,
`id` says which user, `redis-server` records being started). PARVIS_BOOTSTRAP_ROOT stands for /
when the script looks for /usr/bin/chromium and /usr/sbin/nginx. Nothing is installed or started
for real.
"""

import os
import shutil
import socket
import socketserver
import subprocess
import threading
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT / "scripts" / "test-services.sh"
REAL_TOOLS = ("bash", "timeout", "seq", "sleep", "mkdir", "chmod")


class Machine:
    """A directory standing for /, a bin directory for PATH, a log of the fakes' calls."""

    def __init__(self, tmp_path):
        self.root = tmp_path / "root"
        self.bin = tmp_path / "bin"
        self.calls = tmp_path / "calls.log"
        self.tmp = tmp_path
        for directory in (self.root / "usr" / "bin", self.root / "usr" / "sbin", self.bin):
            directory.mkdir(parents=True)
        for tool in REAL_TOOLS:
            (self.bin / tool).symlink_to(shutil.which(tool))
        self.user(0)
        self.install("/usr/bin/wrk")  # present unless a test removes it

    def script(self, name, body):
        path = self.bin / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)

    def user(self, uid):
        self.script("id", f"echo {uid}")

    def apt_get(self):
        """An apt-get that records its calls; `install` puts the packages' binaries in place."""
        self.script(
            "apt-get",
            f"""echo "apt-get $*" >> {self.calls}
for package in "$@"; do
  case $package in
    chromium) binary=usr/bin/chromium;; nginx) binary=usr/sbin/nginx;;
    wrk) binary=usr/bin/wrk;; *) continue;;
  esac
  : > {self.root}/$binary && chmod +x {self.root}/$binary
done""",
        )

    def redis_server(self):
        self.script("redis-server", f'echo "redis-server $*" >> {self.calls}')

    def install(self, *paths):
        for path in paths:
            target = self.root / path.lstrip("/")
            target.write_text("#!/bin/sh\n")
            target.chmod(0o755)

    def run(self, redis_port, **env):
        return subprocess.run(
            [shutil.which("bash"), str(SCRIPT)],
            env={
                "PATH": str(self.bin),
                "HOME": str(self.tmp),
                "TMPDIR": str(self.tmp),
                "PARVIS_BOOTSTRAP_ROOT": str(self.root),
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/1",
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def logged_calls(self):
        return self.calls.read_text().splitlines() if self.calls.exists() else []


@pytest.fixture
def machine(tmp_path):
    return Machine(tmp_path)


@pytest.fixture
def redis_port():
    """A loopback server answering PING as Redis does."""

    class Pong(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(64)
            self.request.sendall(b"+PONG\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Pong)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_port():
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_not_root_refuses_in_one_line_and_installs_nothing(machine, redis_port):
    machine.user(1000)
    machine.apt_get()
    machine.install("/usr/sbin/nginx")

    result = machine.run(redis_port)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "test-services: missing chromium: run 'sudo apt-get install chromium' "
        "(not root, so not installed here), then make test again"
    ]
    assert machine.logged_calls() == [], "apt-get was not called"


def test_without_apt_get_refuses_in_one_line(machine, redis_port):
    result = machine.run(redis_port)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "test-services: missing chromium nginx and no apt-get here: install them "
        "(Chromium at /usr/bin/chromium), then run make test again"
    ]


def test_refusal_comes_before_starting_any_service(machine, silent_port):
    """No Redis answers and redis-server is there, but Chromium is missing and cannot be
    installed: the script stops before starting Redis."""
    machine.user(1000)
    machine.apt_get()
    machine.redis_server()
    machine.install("/usr/sbin/nginx")

    result = machine.run(silent_port)

    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert "sudo apt-get install chromium'" in result.stderr
    assert machine.logged_calls() == [], "neither apt-get nor redis-server ran"


def test_missing_redis_server_is_named_with_the_rest(machine, silent_port):
    machine.user(1000)
    machine.apt_get()

    result = machine.run(silent_port)

    assert result.returncode == 1
    assert "run 'sudo apt-get install redis-server chromium nginx'" in result.stderr


def test_a_remote_redis_that_does_not_answer_is_not_started_here(machine):
    machine.install("/usr/bin/chromium", "/usr/sbin/nginx")
    machine.redis_server()

    result = machine.run(0, REDIS_URL="redis://192.0.2.1:6379/1")

    assert result.returncode == 1
    assert result.stderr.startswith("test-services: no Redis answers on 192.0.2.1:6379")
    assert machine.logged_calls() == []


def test_everything_present_installs_and_starts_nothing_twice(machine, redis_port):
    machine.apt_get()
    machine.redis_server()
    machine.install("/usr/bin/chromium", "/usr/sbin/nginx")

    for _ in range(2):
        result = machine.run(redis_port)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert result.stdout.splitlines() == [
            f"test-services: ready: Redis 127.0.0.1:{redis_port}, Chromium /usr/bin/chromium, "
            f"nginx {machine.root}/usr/sbin/nginx (nothing installed, nothing started)"
        ]
    assert machine.logged_calls() == []


def test_as_root_installs_what_is_missing_once_then_nothing(machine, redis_port):
    machine.apt_get()

    first = machine.run(redis_port)

    assert first.returncode == 0, first.stderr
    assert machine.logged_calls() == [
        "apt-get update -qq",
        "apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium nginx",
    ]
    assert first.stdout.splitlines()[0].startswith("test-services: installing chromium nginx")
    assert first.stdout.splitlines()[-1].endswith("(installed: chromium nginx; started: nothing)")

    second = machine.run(redis_port)

    assert second.returncode == 0, second.stderr
    assert second.stdout.endswith("(nothing installed, nothing started)\n")
    assert len(machine.logged_calls()) == 2, "the second run called apt-get again"


def test_make_test_runs_the_bootstrap_before_the_suite(tmp_path):
    """`make test` stops when the bootstrap exits non-zero, so it must come first."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "test"],
        cwd=PROJECT,
        env={k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = result.stdout.splitlines()
    bootstrap = next(i for i, line in enumerate(lines) if "scripts/test-services.sh" in line)
    suite = next(i for i, line in enumerate(lines) if "/pytest" in line)
    assert bootstrap < suite


def test_a_missing_wrk_is_installed_with_the_rest(machine, redis_port):
    machine.apt_get()
    machine.install("/usr/bin/chromium", "/usr/sbin/nginx")
    (machine.root / "usr" / "bin" / "wrk").unlink()
    result = machine.run(redis_port)
    assert result.returncode == 0, result.stderr
    assert "apt-get install -y -qq -o DPkg::Lock::Timeout=600 wrk" in machine.logged_calls()
    assert (machine.root / "usr" / "bin" / "wrk").exists()
