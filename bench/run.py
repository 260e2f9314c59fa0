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
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # ``bench.*`` as a script

from bench.harness import (  # noqa: E402
    BENCH,
    PYTHON,
    RESULTS,
    ROOT,
    Gunicorn,
    collectstatic,
    load_average,
    log,
    prepare_floor,
    prepare_scale,
    versions,
    wrk,
    wrk_many,
)

TARGET_RATIO = 0.5
TARGET_P99_MS = 100.0
TARGET_SCALE_P50 = 1.5


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
            cookie = probed["session"] if page["member"] else None
            if page.get("urls"):
                log(f"{name}: {page['name']} ({len(page['urls'])} addresses, {page['url']}...)")
                slug = "".join(c if c.isalnum() else "-" for c in page["name"])
                path_file = args.var_dir / f"paths-{slug}.txt"
                measured = wrk_many(parvis.base, page["urls"], path_file, cookie=cookie, **load)
            else:
                log(f"{name}: {page['name']} {page['url']}")
                measured = wrk(parvis.base + page["url"], cookie=cookie, **load)
            pages.append({**page, **measured, "load_average": load_average()})
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
        many = [page for page in run["pages"] if page.get("urls")]
        if many:
            lines += [
                "Pages measured over many addresses (each request the next one): the page "
                "cache's answers, the queries of the cheapest and the dearest address (warm, "
                "uncached), the uncached p90 in process and the load average after the page.",
                "",
                "| page | addresses | page cache hit / miss / none | queries | uncached queries "
                "| uncached p90 ms | load average |",
                "| --- | ---: | --- | --- | --- | ---: | --- |",
            ]
            for page in many:
                cache = page["page_cache"]
                lines.append(
                    f"| {page['name']} | {len(page['urls'])} | {cache['hit']} / "
                    f"{cache['miss']} / {cache['none']} | "
                    f"{'–'.join(map(str, page['queries_range']))} | "
                    f"{'–'.join(map(str, page['queries_uncached_range']))} | "
                    f"{page['uncached_p90_ms']} | "
                    f"{', '.join(map(str, page.get('load_average', [])))} |"
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

    collectstatic(args.server, args.redis, args.var_dir)
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
