"""What the load benchmarks share: the seeded databases, the servers and wrk.

``bench/run.py`` (one URL a page) and ``bench/longtail.py`` (a long tail of URLs with writes)
both: make sure ``parvis_bench_<percent>`` exists and is seeded (``prepare_scale``), serve
Parvis and the bare-Django floor (``bench/floor``) with the same gunicorn settings
(``Gunicorn``), and drive them with wrk (``run_wrk`` / ``wrk``, read by ``parse_wrk``).
"""

import os
import platform
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
#: The checkout whose code is served and written through: this one, or another one named by
#: ``BENCH_APP`` (e.g. a worktree of an earlier commit, for a before/after in the same run
#: conditions; its database schema must match the seeded one).
APP = Path(os.environ.get("BENCH_APP") or ROOT).resolve()
PYTHON = sys.executable
RESULTS = BENCH / "results"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def psql(server_url, sql):
    return subprocess.run(
        ["psql", f"{server_url}/postgres", "-qtAc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def database_exists(server_url, name):
    return psql(server_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def database_name(scale):
    """``parvis_bench_001`` for 1% (``scale`` 0.01), ``parvis_bench_100`` for the full scale."""
    return f"parvis_bench_{round(scale * 100):03d}"


def parvis_env(database_url, redis_url, var_dir):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Loopback without TLS: no redirect to HTTPS (everything else as in production).
        "SECURE_SSL_REDIRECT": "false",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        # The API's per-client rate limit would answer 429 to the load generator (one client).
        "API_THROTTLE_ANON": "off",
        "API_THROTTLE_USER": "off",
        "PARVIS_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(APP / "src"),
    }


def prepare_scale(server_url, scale, redis_url, var_dir, reseed):
    name = database_name(scale)
    url = f"{server_url}/{name}"
    env = parvis_env(url, redis_url, var_dir)
    fresh = not database_exists(server_url, name)
    if fresh:
        log(f"creating {name}")
        psql(server_url, f"CREATE DATABASE {name}")
    manage = [PYTHON, str(APP / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    if fresh or reseed:
        subprocess.run([*manage, "import_territory", "60"], env=env, check=True)
        log(f"seeding {name} at scale {scale:g} (this takes a while at 100%)")
        subprocess.run(
            [PYTHON, str(BENCH / "seed.py"), "--scale", str(scale), "--reset"], env=env, check=True
        )
    return name, env


def collectstatic(server_url, redis_url, var_dir):
    """The manifest the servers' pages need (``DEBUG=false``)."""
    env = parvis_env(f"{server_url}/postgres", redis_url, var_dir)
    subprocess.run(
        [PYTHON, str(APP / "manage.py"), "collectstatic", "--noinput", "-v0"], env=env, check=True
    )


def prepare_floor(server_url):
    name = "parvis_bench_floor"
    if not database_exists(server_url, name):
        psql(server_url, f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "FLOOR_DATABASE_URL": f"{server_url}/{name}",
        "PYTHONPATH": str(BENCH),
        "DJANGO_SETTINGS_MODULE": "floor.settings",
    }
    subprocess.run([PYTHON, str(BENCH / "floor" / "seed.py")], env=env, check=True)
    return env


class Gunicorn:
    def __init__(self, app, env, port, workers, chdir):
        self.command = [
            str(Path(PYTHON).parent / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--chdir",
            str(chdir),
            "--log-level",
            "warning",
        ]
        self.env = env
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self):
        try:  # a server left over (an interrupted run) would be measured instead of ours
            urllib.request.urlopen(self.base + "/", timeout=5)  # noqa: S310 - loopback
        except OSError:
            pass
        else:
            raise SystemExit(f"{self.base} already answers: stop that server or pass --port")
        self.process = subprocess.Popen(self.command, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=5)  # noqa: S310 - loopback
                if self.process.poll() is not None:
                    raise SystemExit(f"gunicorn exited: {' '.join(self.command)}")
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"gunicorn exited: {' '.join(self.command)}") from None
                time.sleep(0.5)
        self.__exit__()
        raise SystemExit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output):
    def latency(percent):
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return round(float(match.group(1)) * UNITS[match.group(2)], 2)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def run_wrk(
    url, *, duration, connections, threads, headers=(), script=None, script_args=(), timeout=None
):
    """wrk's report (text) for ``duration`` seconds of load on ``url``, with its latency
    distribution; ``script``: a Lua script given ``script_args`` (after ``--``); ``timeout``:
    seconds after which a request counts as an error (wrk's default: 2)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if timeout:
        command.append(f"--timeout={timeout}s")
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *map(str, script_args)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def wrk(url, *, duration, connections, threads, cookie=None, warmup=3):
    """One URL: ``warmup`` seconds of load, then ``duration`` seconds measured."""
    headers = ["Accept: text/html"]
    if cookie:
        headers.append(f"Cookie: sessionid={cookie}")
    load = {"connections": connections, "threads": threads, "headers": headers}
    run_wrk(url, duration=warmup, **load)
    return parse_wrk(run_wrk(url, duration=duration, **load))


def prime(base, paths, headers):
    """Ask each address once, one after the other, as ``bench/longtail.lua`` will (the API's
    as JSON): the warm-up then measures the steady state. Without it, many addresses whose
    first answers cost 100-300 ms each (48 searches: about 12 s of CPU) were still being
    rendered when the measured seconds began (wrk drops the warm-up's requests, the servers
    finish them), and their queue set the p99 of answers that were all from the cache."""
    for path in paths:
        accept = "application/json" if path.startswith("/api/") else "text/html"
        request = urllib.request.Request(base + path, headers={"Accept": accept})
        for header in headers:
            name, _sep, value = header.partition(": ")
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except OSError:  # an error status or a timeout: the run counts them
            pass


def wrk_many(base, paths, path_file, *, duration, connections, threads, cookie=None, warmup=3):
    """Many addresses, each request the next one (``bench/longtail.lua``, each thread from its
    own part of the list): ``warmup`` seconds of load, then ``duration`` seconds measured, with
    wrk's figures, the page cache's answers (``page_cache``: hit, miss, none) and the statuses
    counted by the script."""
    Path(path_file).write_text("\n".join(paths) + "\n")
    headers = [f"Cookie: sessionid={cookie}"] if cookie else []
    load = {
        "connections": connections,
        "threads": threads,
        "headers": headers,
        "script": BENCH / "longtail.lua",
        "script_args": (path_file, 0, max(1, len(paths) // threads)),
    }
    prime(base, paths, headers)
    run_wrk(base + paths[0], duration=warmup, **load)
    output = run_wrk(base + paths[0], duration=duration, **load)
    measured = parse_wrk(output)
    cache = re.search(r"page-cache: hit=(\d+) miss=(\d+) none=(\d+)", output)
    statuses = re.search(r"statuses: 2xx=(\d+) 3xx=(\d+) 4xx=(\d+) 5xx=(\d+)", output)
    measured["page_cache"] = dict(
        zip(("hit", "miss", "none"), map(int, cache.groups()), strict=True)
    )
    measured["statuses"] = dict(
        zip(("2xx", "3xx", "4xx", "5xx"), map(int, statuses.groups()), strict=True)
    )
    measured["non_2xx"] = sum(n for k, n in measured["statuses"].items() if k != "2xx")
    return measured


def load_average():
    """The machine's load average over 1, 5 and 15 minutes (the benchmarks share it)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return []


def versions(server_url):
    import django

    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    gunicorn = subprocess.run(
        [str(Path(PYTHON).parent / "gunicorn"), "--version"], capture_output=True, text=True
    )
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": psql(server_url, "SHOW server_version"),
        "gunicorn": gunicorn.stdout.strip() or gunicorn.stderr.strip(),
        "wrk": (wrk_version.stdout or wrk_version.stderr).splitlines()[0],
    }
