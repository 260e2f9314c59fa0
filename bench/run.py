"""``make bench``: Parvis's pages under load against the bare-Django floor, at two scales.

For each scale (default 1% and 100%) it makes sure a seeded PostgreSQL database exists
(``parvis_bench_<percent>``: migrate, import Oise, ``bench/seed.py``), counts each page's SQL
queries in-process (``bench/probe.py``), then serves Parvis with gunicorn (production settings,
``DEBUG=false``) and the floor app (``bench/floor``) with the same gunicorn settings, and drives
each page with wrk (8 connections). Throughput is reported as a ratio to the floor measured in the
same run, before and after the pages: the machine is noisy, only ratios within a run compare.

Results: a table on the terminal and ``bench/results/<date>.json`` / ``.md``.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
RESULTS = BENCH / "results"
TARGET_RATIO = 0.5
TARGET_P99_MS = 100.0
TARGET_SCALE_P50 = 1.5


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
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "PARVIS_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }


def prepare_scale(server_url, scale, redis_url, var_dir, reseed):
    name = f"parvis_bench_{round(scale * 100):03d}"
    url = f"{server_url}/{name}"
    env = parvis_env(url, redis_url, var_dir)
    fresh = not database_exists(server_url, name)
    if fresh:
        log(f"creating {name}")
        psql(server_url, f"CREATE DATABASE {name}")
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    if fresh or reseed:
        subprocess.run([*manage, "import_territory", "60"], env=env, check=True)
        log(f"seeding {name} at scale {scale:g} (this takes a while at 100%)")
        subprocess.run(
            [PYTHON, str(BENCH / "seed.py"), "--scale", str(scale), "--reset"], env=env, check=True
        )
    return name, env


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


def wrk(url, *, duration, connections, threads, cookie=None, warmup=3):
    command = ["wrk", f"-t{threads}", f"-c{connections}", "--latency", "-H", "Accept: text/html"]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    subprocess.run([*command, f"-d{warmup}s", url], check=True, capture_output=True)
    result = subprocess.run(
        [*command, f"-d{duration}s", url], check=True, capture_output=True, text=True
    )
    return parse_wrk(result.stdout)


def run_scale(scale, args, floor_env):
    name, env = prepare_scale(args.server, scale, args.redis, args.var_dir, args.reseed)
    log(f"{name}: counting queries")
    probe = subprocess.run(
        [PYTHON, str(BENCH / "probe.py")], env=env, check=True, capture_output=True, text=True
    )
    probed = json.loads(probe.stdout)
    load = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
    with Gunicorn("floor.wsgi:application", floor_env, args.port + 1, args.workers, BENCH) as floor:
        log(f"{name}: floor (before)")
        floor_before = wrk(floor.base + "/", **load)
    pages = []
    with Gunicorn("parvis.wsgi:application", env, args.port, args.workers, ROOT) as parvis:
        for page in probed["pages"]:
            if args.only and not any(word in page["name"] for word in args.only):
                continue
            log(f"{name}: {page['name']} {page['url']}")
            cookie = probed["session"] if page["member"] else None
            measured = wrk(parvis.base + page["url"], cookie=cookie, **load)
            pages.append({**page, **measured})
    with Gunicorn("floor.wsgi:application", floor_env, args.port + 1, args.workers, BENCH) as floor:
        log(f"{name}: floor (after)")
        floor_after = wrk(floor.base + "/", **load)
    floor_rps = (floor_before["rps"] + floor_after["rps"]) / 2
    for page in pages:
        page["ratio"] = round(page["rps"] / floor_rps, 3)
        page["meets_targets"] = (
            page["ratio"] >= TARGET_RATIO
            and page["p99_ms"] < TARGET_P99_MS
            and page["status"] == 200
            and page["non_2xx"] == 0
        )
    return {
        "scale": scale,
        "database": name,
        "floor": {"before": floor_before, "after": floor_after, "rps": round(floor_rps, 1)},
        "pages": pages,
    }


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


def markdown(report):
    lines = [
        f"# Benchmark {report['date']}",
        "",
        f"Machine: {report['machine']['cores']} cores, {report['machine']['platform']}. "
        + ", ".join(f"{k} {v}" for k, v in report["versions"].items())
        + ".",
        f"Load: wrk, {report['load']['connections']} connections, {report['load']['threads']} "
        f"threads, {report['load']['duration']} s per page after a 3 s warm-up; gunicorn "
        f"{report['load']['workers']} sync workers, DEBUG off.",
        "",
    ]
    for run in report["runs"]:
        floor = run["floor"]
        lines += [
            f"## Scale {run['scale']:g} ({run['database']})",
            "",
            f"Floor: {floor['rps']} req/s (before {floor['before']['rps']}, after "
            f"{floor['after']['rps']}), p50 {floor['before']['p50_ms']} ms, "
            f"p99 {floor['before']['p99_ms']} ms.",
            "",
            "| page | req/s | ratio to floor | p50 ms | p99 ms | SQL queries | KB | targets "
            "| uncached: SQL queries | uncached: ms in-process |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        ]
        for page in run["pages"]:
            lines.append(
                f"| {page['name']} | {page['rps']:.0f} | {page['ratio']:.2f} | "
                f"{page['p50_ms']} | {page['p99_ms']} | {page['queries']} | "
                f"{page['bytes'] / 1024:.0f} | {'met' if page['meets_targets'] else 'MISSED'} | "
                f"{page.get('queries_uncached', '')} | {page.get('uncached_ms', '')} |"
            )
        lines.append("")
    if report.get("comparison"):
        small, large = report["comparison"]["scales"]
        lines += [
            f"## Scale {small:g} against scale {large:g}",
            "",
            "| page | queries | uncached queries | p50 ms | p50 ratio "
            "| same queries, p50 within 1.5× |",
            "| --- | --- | --- | --- | ---: | --- |",
        ]
        for row in report["comparison"]["pages"]:
            lines.append(
                f"| {row['name']} | {row['queries'][0]} / {row['queries'][1]} | "
                f"{row['queries_uncached'][0]} / {row['queries_uncached'][1]} | "
                f"{row['p50_ms'][0]} / {row['p50_ms'][1]} | {row['p50_ratio']:.2f} | "
                f"{'yes' if row['ok'] else 'NO'} |"
            )
        lines.append("")
    return "\n".join(lines)


def compare(runs):
    if len(runs) < 2:
        return None
    small, large = runs[0], runs[-1]
    by_name = {page["name"]: page for page in small["pages"]}
    rows = []
    for page in large["pages"]:
        other = by_name.get(page["name"])
        if not other:
            continue
        ratio = page["p50_ms"] / other["p50_ms"] if other["p50_ms"] else float("inf")
        rows.append(
            {
                "name": page["name"],
                "queries": [other["queries"], page["queries"]],
                "queries_uncached": [other.get("queries_uncached"), page.get("queries_uncached")],
                "p50_ms": [other["p50_ms"], page["p50_ms"]],
                "p50_ratio": round(ratio, 2),
                "ok": other["queries"] == page["queries"]
                and other.get("queries_uncached") == page.get("queries_uncached")
                and ratio <= TARGET_SCALE_P50,
            }
        )
    return {"scales": [small["scale"], large["scale"]], "pages": rows}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="0.01,1", help="comma-separated (default 0.01,1)")
    parser.add_argument("--duration", type=int, default=15, help="seconds per page (default 15)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without database (default from BENCH_POSTGRES)",
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/11")
    )
    parser.add_argument("--reseed", action="store_true", help="rebuild the datasets")
    parser.add_argument(
        "--port", type=int, default=8090, help="Parvis's port on loopback; the floor's is the next"
    )
    parser.add_argument("--only", nargs="*", help="measure only pages whose name has a word")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it).")
    args.var_dir = BENCH / "var"
    args.var_dir.mkdir(exist_ok=True)
    scales = [float(s) for s in args.scales.split(",")]

    static_env = parvis_env(f"{args.server}/postgres", args.redis, args.var_dir)
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=static_env,
        check=True,
    )
    floor_env = prepare_floor(args.server)
    runs = [run_scale(scale, args, floor_env) for scale in scales]
    now = dt.datetime.now().astimezone()
    report = {
        "date": now.isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(args.server),
        "load": {
            "duration": args.duration,
            "connections": args.connections,
            "threads": args.threads,
            "workers": args.workers,
        },
        "targets": {"ratio": TARGET_RATIO, "p99_ms": TARGET_P99_MS, "scale_p50": TARGET_SCALE_P50},
        "runs": runs,
        "comparison": compare(runs),
    }
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / now.strftime("%Y-%m-%dT%H%M")
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    text = markdown(report)
    stem.with_suffix(".md").write_text(text + "\n")
    print(text)
    log(f"written {stem}.json and {stem}.md")


if __name__ == "__main__":
    main()
