"""``make bench-longtail``: a département's evening against the bare-Django floor.

Thousands of distinct public addresses (``bench/longtail_urls.py``: events, discussions and
their pages, groups, organisations, communes, officials, the agenda's lists and months with
filters, directory searches, information, consultations, the API's lists) are read by wrk's
8 connections in a popularity order (Zipf by default: a head of popular pages and a long
tail), while members write a few times a second through the services
(``bench/longtail_writers.py``). Four scenarios, each after the page cache is emptied and a
warm-up: the long tail with the page cache and no writes, the same with writes, with writes
and the page cache off (``PARVIS_PAGE_CACHE_SECONDS=0``: each page rendered, from the fragments
of the cache a write did not retire), and with writes and every cache off (the fragments too:
``PARVIS_FRAGMENT_CACHE_SECONDS=0``). Each throughput is a ratio to the
floor (``bench/floor``) served in the same run, before and after; the hit rate counts the
``X-Page-Cache`` headers (``bench/longtail.lua``).

Results: a table on the terminal and ``bench/results/longtail-<date>.md`` / ``.json``.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # ``bench.*`` as a script

from bench.harness import (  # noqa: E402
    APP,
    BENCH,
    DEFAULT_SERVER,
    PYTHON,
    RESULTS,
    Gunicorn,
    collectstatic,
    load_average,
    log,
    parse_wrk,
    prepare_floor,
    prepare_scale,
    run_wrk,
    versions,
)
from bench.longtail_writers import MIX, summarise  # noqa: E402

LUA = BENCH / "longtail.lua"
#: Addresses drawn by popularity and written for wrk (the scenarios read the same).
SEQUENCE = 200_000
#: A request slower than this counts as an error (wrk's default is 2 s).
TIMEOUT_SECONDS = 10
FLOOR_WARMUP_SECONDS = 3
SCENARIOS = {
    "cached": {
        "title": "long tail, page cache on, no writes",
        "cache": "on",
        "with_writes": False,
        "targets": {},
    },
    "cached+writes": {
        "title": "long tail, page cache on, with writes",
        "cache": "on",
        "with_writes": True,
        "targets": {"ratio": 1.0, "p99_ms": 100.0},
    },
    "uncached+writes": {
        "title": "long tail, page cache off, with writes",
        "cache": "fragments",
        "with_writes": True,
        "targets": {"ratio": 0.35},
    },
    "nocache+writes": {
        "title": "long tail, every cache off (pages and fragments), with writes",
        "cache": "off",
        "with_writes": True,
        "targets": {},
    },
}
#: The servers' settings for each state of the cache.
CACHE_ENV = {
    "on": {},
    "fragments": {"PARVIS_PAGE_CACHE_SECONDS": "0"},
    "off": {"PARVIS_PAGE_CACHE_SECONDS": "0", "PARVIS_FRAGMENT_CACHE_SECONDS": "0"},
}


# --- the addresses and their popularity ------------------------------------------------------


def ranked(kinds, seed=60):
    """Every address, most popular first: the front pages, then the others shuffled (a
    popular page may be of any kind)."""
    rest = [path for kind, paths in kinds.items() if kind != "front" for path in paths]
    random.Random(f"{seed}:rank").shuffle(rest)
    return list(kinds.get("front", ())) + rest


def weights(count, popularity="zipf", s=1.0):
    """The relative popularity of ranks 1..``count``: ``1 / rank ** s`` (Zipf), or all equal."""
    if popularity == "uniform":
        return [1.0] * count
    return [1 / rank**s for rank in range(1, count + 1)]


def draw(paths, count, popularity="zipf", s=1.0, seed=60):
    """``count`` requests drawn from ``paths`` (ranked) by popularity, reproducibly."""
    rng = random.Random(f"{seed}:draw")
    return rng.choices(paths, weights=weights(len(paths), popularity, s), k=count)


def shares(count, popularity="zipf", s=1.0):
    """What the head and the tail get: the share of requests of the 10 most popular
    addresses and of the less popular half."""
    values = weights(count, popularity, s)
    total = sum(values)
    return {"top_10": sum(values[:10]) / total, "last_half": sum(values[count // 2 :]) / total}


def write_paths(paths, directory, name):
    path = Path(directory) / name
    path.write_text("\n".join(paths) + "\n")
    return path


# --- wrk with the long tail's script ---------------------------------------------------------

COUNTS = re.compile(r"^page-cache: hit=(\d+) miss=(\d+) none=(\d+)(?: stale=(\d+))?$", re.M)
STATUSES = re.compile(r"^statuses: 2xx=(\d+) 3xx=(\d+) 4xx=(\d+) 5xx=(\d+)$", re.M)


def parse_counts(output):
    """The counts ``longtail.lua`` prints at the end: responses by ``X-Page-Cache`` (hit,
    stale, miss, none: not cacheable) and by status class; the hit rate among cacheable
    responses, stale ones included (answered from the cache), and the stale ones' share
    (``None`` when none was cacheable)."""
    counts, statuses = COUNTS.search(output), STATUSES.search(output)
    if not counts or not statuses:
        raise ValueError(f"no counts from longtail.lua in wrk's output:\n{output}")
    hit, miss, none = map(int, counts.groups()[:3])
    stale = int(counts.group(4) or 0)
    ok, redirects, client_errors, server_errors = map(int, statuses.groups())
    total = hit + stale + miss + none
    cacheable = hit + stale + miss
    return {
        "hit": hit,
        "stale": stale,
        "miss": miss,
        "none": none,
        "hit_rate": round((hit + stale) / cacheable, 4) if cacheable else None,
        "stale_rate": round(stale / cacheable, 4) if cacheable else None,
        "not_cacheable": round(none / total, 4) if total else None,
        "2xx": ok,
        "3xx": redirects,
        "4xx": client_errors,
        "5xx": server_errors,
    }


def load(base, paths_file, lines, *, duration, start, connections, threads):
    """``duration`` seconds of wrk on the addresses of ``paths_file`` (``lines`` of them),
    from line ``start``: each thread walks its own part of the list."""
    output = run_wrk(
        base + "/",
        duration=duration,
        connections=connections,
        threads=threads,
        script=LUA,
        script_args=(paths_file, start, max(lines // threads, 1)),
        timeout=TIMEOUT_SECONDS,
    )
    return {**parse_wrk(output), **parse_counts(output)}


# --- checking the addresses ------------------------------------------------------------------


def status_of(base, path):
    """The status of one ``GET`` (redirects not followed), asked as a browser or an API
    client would."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    accept = "application/json" if path.startswith("/api/") else "text/html"
    try:
        connection.request("GET", path, headers={"Accept": accept})
        return connection.getresponse().status
    finally:
        connection.close()


def check(base, kinds, check_all=False):
    """Keep what answers 200: the first address of each kind (a kind whose first address
    fails is dropped whole), or every address with ``check_all``. Returns the kept kinds and
    the dropped ``[kind, path, status]``."""
    kept, dropped = {}, []
    for kind, paths in kinds.items():
        if not paths:
            dropped.append([kind, "(no address: nothing of this kind in the data)", None])
            continue
        good = []
        for path in paths if check_all else paths[:1]:
            status = status_of(base, path)
            if status == 200:
                good.append(path)
            else:
                dropped.append([kind, path, status])
        if check_all:
            kept[kind] = good
        elif good:
            kept[kind] = paths
    return kept, dropped


# --- the writers' process --------------------------------------------------------------------


class WriterProcess:
    """``bench/longtail_writers.py`` with the servers' environment, from ``ready`` to
    SIGTERM; ``writes``: what it did."""

    def __init__(self, env, rate, seed, directory):
        self.out = Path(directory) / "writes.json"
        self.command = [
            PYTHON,
            str(BENCH / "longtail_writers.py"),
            f"--rate={rate}",
            f"--seed={seed}",
            f"--out={self.out}",
        ]
        self.env = {
            **env,
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
        self.writes = []

    def __enter__(self):
        self.out.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=subprocess.PIPE, text=True
        )
        while (line := self.process.stdout.readline()) and line.strip() != "ready":
            print(line, end="", file=sys.stderr)
        if not line:  # it ended before being ready (its error is above)
            self.process.wait(timeout=30)
            raise SystemExit(f"the writers did not start: {' '.join(self.command)}")
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=120)
        if self.out.exists():
            self.writes = json.loads(self.out.read_text())["writes"]
        elif not any(exc):
            raise SystemExit("the writers wrote no report (see their error above)")


# --- the scenarios ---------------------------------------------------------------------------


def clear_page_cache(env):
    subprocess.run(
        [PYTHON, str(APP / "manage.py"), "clear_page_cache"],
        env=env,
        check=True,
        capture_output=True,
    )


def scenario(name, base, env, paths_file, args, directory):
    spec = SCENARIOS[name]
    log(f"{name}: {spec['title']}")
    clear_page_cache(env)
    wanted = spec["with_writes"] and args.rate > 0
    writers = WriterProcess(env, args.rate, args.seed, directory) if wanted else nullcontext()
    shape = {"connections": args.connections, "threads": args.threads}
    with writers:
        load(base, paths_file, SEQUENCE, duration=args.warmup, start=0, **shape)
        since = time.time()
        measured = load(
            base,
            paths_file,
            SEQUENCE,
            duration=args.duration,
            start=SEQUENCE // (2 * args.threads),
            **shape,
        )
        until = time.time()
    result = {"name": name, **spec, **measured, "load_average": load_average()}
    if wanted:
        kinds, errors = summarise(writers.writes, since, until)
        result["writes"] = kinds
        result["write_errors"] = errors
        result["writes_ok"] = sum(row["ok"] for row in kinds.values())
        result["writes_failed"] = sum(row["failed"] for row in kinds.values())
        result["writes_total"] = summarise(writers.writes)[0]
    return result


def measure_floor(floor_env, args, paths_file):
    shape = {"connections": args.connections, "threads": args.threads}
    with Gunicorn("floor.wsgi:application", floor_env, args.port + 1, args.workers, BENCH) as floor:
        load(floor.base, paths_file, 1, duration=FLOOR_WARMUP_SECONDS, start=0, **shape)
        return load(floor.base, paths_file, 1, duration=args.duration, start=0, **shape)


def meets(result):
    targets = result["targets"]
    if not targets:
        return None
    return (
        result["ratio"] >= targets.get("ratio", 0)
        and result["p99_ms"] < targets.get("p99_ms", float("inf"))
        and result["5xx"] == 0
    )


def run(args, directory):
    collectstatic(args.server, args.redis, args.var_dir)
    floor_env = prepare_floor(args.server)
    name, env = prepare_scale(args.server, args.scale / 100, args.redis, args.var_dir, args.reseed)
    log(f"{name}: reading the addresses")
    listed = subprocess.run(
        [PYTHON, str(BENCH / "longtail_urls.py"), f"--urls={args.urls}", f"--seed={args.seed}"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    kinds = json.loads(listed.stdout)
    floor_paths = write_paths(["/"], directory, "floor.txt")
    log("floor (before)")
    floor_before = measure_floor(floor_env, args, floor_paths)
    results, dropped, paths_file = [], [], None
    for cache, cache_env in CACHE_ENV.items():
        names = [n for n in args.scenarios if SCENARIOS[n]["cache"] == cache]
        if not names:
            continue
        server_env = {**env, **cache_env}
        with Gunicorn("parvis.wsgi:application", server_env, args.port, args.workers, APP) as app:
            if paths_file is None:
                log(f"checking the addresses ({'all' if args.check_all else 'one a kind'})")
                kinds, dropped = check(app.base, kinds, args.check_all)
                for kind, path, status in dropped:
                    log(f"dropped {kind}: {path} answered {status}")
                paths = ranked(kinds, args.seed)
                drawn = draw(paths, SEQUENCE, args.popularity, args.zipf_s, args.seed)
                paths_file = write_paths(drawn, directory, "paths.txt")
            for scenario_name in names:
                results.append(
                    scenario(scenario_name, app.base, server_env, paths_file, args, directory)
                )
    log("floor (after)")
    floor_after = measure_floor(floor_env, args, floor_paths)
    floor_rps = (floor_before["rps"] + floor_after["rps"]) / 2
    for result in results:
        result["ratio"] = round(result["rps"] / floor_rps, 3)
        result["meets_targets"] = meets(result)
    return {
        "scale_percent": args.scale,
        "database": name,
        "addresses": {kind: len(paths) for kind, paths in kinds.items()},
        "distinct": sum(len(paths) for paths in kinds.values()),
        "popularity": {
            "law": args.popularity,
            "s": args.zipf_s,
            **shares(sum(len(p) for p in kinds.values()), args.popularity, args.zipf_s),
        },
        "dropped": dropped,
        "floor": {"before": floor_before, "after": floor_after, "rps": round(floor_rps, 1)},
        "scenarios": results,
    }


# --- the report ------------------------------------------------------------------------------


def _percent(value):
    return "–" if value is None else f"{value:.0%}"


def _writes(result):
    if "writes" not in result:
        return "–"
    return f"{result['writes_ok']} ({result['writes_failed']} failed)"


def _targets(result):
    met = result["meets_targets"]
    if met is None:
        return "–"
    wanted = " and ".join(
        f"≥ {value}× floor" if key == "ratio" else f"p99 < {value:g} ms"
        for key, value in result["targets"].items()
    )
    return f"{'met' if met else '**MISSED**'} ({wanted})"


def markdown(report):
    run, load = report["run"], report["load"]
    floor = run["floor"]
    popularity = run["popularity"]
    law = f"Zipf s = {popularity['s']:g}" if popularity["law"] == "zipf" else "uniform popularity"
    kinds = ", ".join(f"{kind} {count}" for kind, count in run["addresses"].items())
    lines = [
        f"# Long tail with writes {report['date']}",
        "",
        f"Scale {run['scale_percent']:g}% of Oise ({run['database']}): **{run['distinct']:,} "
        f"distinct public addresses** ({kinds}); {law}: the 10 most popular take "
        f"{popularity['top_10']:.0%} of the requests, the less popular half "
        f"{popularity['last_half']:.0%}.",
        "",
        f"Code served: {report['code']}; page time (PARVIS_PAGE_CACHE_SECONDS): "
        f"{report['page_cache_seconds']}.",
        "",
        f"Machine: {report['machine']['cores']} cores (shared with other jobs), "
        f"{report['machine']['platform']}. "
        + ", ".join(f"{k} {v}" for k, v in report["versions"].items())
        + f". Load average (1/5/15 min) at the start {report['load_average']['start']}, "
        f"at the end {report['load_average']['end']}.",
        "",
        f"Load: wrk, {load['connections']} connections, {load['threads']} threads; each "
        f"scenario empties the page cache, warms up {load['warmup']} s, then measures "
        f"{load['duration']} s; gunicorn {load['workers']} sync workers, DEBUG off. Writes: "
        f"{load['rate']:g} a second through the services, drawn "
        + ", ".join(f"{kind} {weight}" for kind, weight in MIX.items())
        + ", by members of the seeded data (`bench/longtail_writers.py`).",
        "",
        f"Floor: {floor['rps']} req/s (before {floor['before']['rps']}, after "
        f"{floor['after']['rps']}), p50 {floor['before']['p50_ms']} ms, "
        f"p99 {floor['before']['p99_ms']} ms.",
        "",
        "| scenario | req/s | ratio to floor | p50 ms | p99 ms | hit rate | of which stale "
        "| not cacheable | non-2xx | writes done | load avg | targets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for result in run["scenarios"]:
        non_2xx = result["3xx"] + result["4xx"] + result["5xx"]
        lines.append(
            f"| {result['title']} | {result['rps']:.0f} | {result['ratio']:.2f} | "
            f"{result['p50_ms']} | {result['p99_ms']} | {_percent(result['hit_rate'])} | "
            f"{_percent(result.get('stale_rate'))} | {_percent(result['not_cacheable'])} | "
            f"{non_2xx} | {_writes(result)} | "
            f"{result['load_average'][0] if result['load_average'] else '?'} | "
            f"{_targets(result)} |"
        )
    written = [result for result in run["scenarios"] if "writes" in result]
    if written:
        lines += [
            "",
            "Writes during the measured seconds, by kind: done (failed), mean ms a write.",
            "",
            "| scenario | " + " | ".join(MIX) + " |",
            "| --- |" + " ---: |" * len(MIX),
        ]
        for result in written:
            cells = []
            for kind in MIX:
                row = result["writes"].get(kind)
                cells.append(f"{row['ok']} ({row['failed']}), {row['ms']} ms" if row else "0")
            lines.append(f"| {result['title']} | " + " | ".join(cells) + " |")
        errors = {}
        for result in written:
            for error, count in result["write_errors"].items():
                errors[error] = errors.get(error, 0) + count
        if errors:
            lines += ["", "Failed writes:", ""]
            lines += [f"- {count} × {error}" for error, count in sorted(errors.items())]
    if run["dropped"]:
        lines += ["", "Addresses dropped before the run (not 200):", ""]
        lines += [f"- {kind}: `{path}` → {status}" for kind, path, status in run["dropped"]]
    lines.append("")
    return "\n".join(lines)


def served_code():
    """The commit of the checkout served (``BENCH_APP``), and whether it has local changes."""
    commit = subprocess.run(
        ["git", "-C", str(APP), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
    )
    return f"{APP} at {commit.stdout.strip() or 'an unknown commit'}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=10, help="percent of Oise: 1, 10 (default) or 100"
    )
    parser.add_argument("--urls", type=int, default=3000, help="distinct addresses (about)")
    parser.add_argument("--popularity", choices=("zipf", "uniform"), default="zipf")
    parser.add_argument("--zipf-s", type=float, default=1.0, help="Zipf's exponent (default 1)")
    parser.add_argument("--duration", type=int, default=30, help="measured seconds (default 30)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds before (default 10)")
    parser.add_argument("--rate", type=float, default=2.0, help="writes a second (default 2)")
    parser.add_argument(
        "--scenarios",
        nargs="*",
        choices=list(SCENARIOS),
        default=list(SCENARIOS),
        help="which scenarios (default all four)",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", DEFAULT_SERVER),
        help="PostgreSQL server URL without database (default from BENCH_POSTGRES)",
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/11")
    )
    parser.add_argument("--reseed", action="store_true", help="rebuild the dataset")
    parser.add_argument("--check-all", action="store_true", help="check every address first")
    parser.add_argument("--seed", type=int, default=60, help="addresses, draws and writes")
    parser.add_argument(
        "--port", type=int, default=8092, help="Parvis's port on loopback; the floor's is the next"
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-longtail does it).")
    args.var_dir = BENCH / "var"
    args.var_dir.mkdir(exist_ok=True)
    started = load_average()
    with tempfile.TemporaryDirectory(prefix="parvis-longtail-") as directory:
        run_report = run(args, directory)
    now = dt.datetime.now().astimezone()
    report = {
        "date": now.isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform()},
        "code": served_code(),
        "page_cache_seconds": os.environ.get("PARVIS_PAGE_CACHE_SECONDS", "the default"),
        "versions": versions(args.server),
        "load_average": {"start": started, "end": load_average()},
        "load": {
            "duration": args.duration,
            "warmup": args.warmup,
            "connections": args.connections,
            "threads": args.threads,
            "workers": args.workers,
            "rate": args.rate,
        },
        "run": run_report,
    }
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / now.strftime("longtail-%Y-%m-%dT%H%M")
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    text = markdown(report)
    stem.with_suffix(".md").write_text(text)
    print(text)
    log(f"written {stem}.json and {stem}.md")


if __name__ == "__main__":
    main()
