"""The Markdown report: printed, and written to bench/RESULTS.md."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import subprocess
from pathlib import Path

from bench.cases import SEARCH_QUERY, STORM_HEALTH_CONCURRENCY, STORM_LOGIN_CONCURRENCY
from bench.measure import COLD_START_RUNS
from bench.paths import ROOT
from bench.run import Report
from bench.seeding import READER_TASKS
from bench.servers import uvicorn_flags
from bench.targets import targets
from bench.wrk import Row

PACKAGES = ("starlette", "uvicorn", "uvloop", "httptools", "peewee", "pydantic", "PyJWT", "bcrypt")


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0]
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return (
        f"{os.cpu_count()} vCPU {cpu}, {memory_kb / 1024**2:.0f} GiB RAM, Linux {platform.release()}; "
        f"Python {platform.python_version()}, {', '.join(versions)}; {wrk_version.strip()}"
    )


def revision() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(rows: list[Row], ceiling: list[Row]) -> list[str]:
    lines = [
        "| case | c | req/s | vs ceiling | p50 ms | p99 ms | non-2xx | socket errors | peak RSS MB "
        "| server CPU ms/req |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ceiling_rps = {row.concurrency: row.rps for row in ceiling}
    for row in rows:
        ratio = f"{row.rps / ceiling_rps[row.concurrency]:.2f}" if ceiling_rps.get(row.concurrency) else "-"
        lines.append(
            f"| {row.case} | {row.concurrency} | {fmt(row.rps)} | {ratio} | {fmt(row.p50_ms, 2)} | "
            f"{fmt(row.p99_ms, 2)} | {row.non_2xx} | {row.socket_errors} | {fmt(row.rss_mb)} | "
            f"{fmt(row.cpu_ms, 2)} |"
        )
    return lines


def markdown(report: Report) -> str:
    ran = report.started.strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Latest run: {ran}, app at `{revision()}`, {report.duration:g} s per wrk run, "
        f"whole run {report.seconds / 60:.1f} min.",
        "",
        f"Machine: {machine()}. The load generator (wrk, one thread) shares the machine with the server.",
        "",
        f"Other processes used {report.others_cpu:.0f} CPU-seconds during the run "
        f"({report.others_cpu / (report.seconds * (os.cpu_count() or 1)):.0%} of the machine's capacity): "
        "figures from a busy machine are low and noisy.",
        "",
        "Reproduce: `make bench` (or `bench/run.sh --duration 10`); bench/README.md says what it does.",
        "",
        "## Throughput and latency",
        "",
        "One uvicorn worker (`" + " ".join(uvicorn_flags()) + "`), SQLite in a temporary DATA_DIR. "
        f"`list 20` is `GET /api/tasks?limit=20` of a user with {READER_TASKS} tasks; `list filter+search` "
        f"is `GET /api/tasks?{SEARCH_QUERY}` over the same {READER_TASKS}; get, patch and complete "
        "rotate over existing tasks; create posts a task with two tags and a due date; login is bcrypt "
        "cost 12. `vs ceiling` is req/s over the bare Starlette app's at the same concurrency. "
        "`non-2xx` counts responses >= 400; socket errors are wrk's connect/read/write/timeout "
        "errors. Peak RSS is the server's VmHWM during that run. Server CPU ms/req is the CPU time "
        "(user + system, all threads) the server used during the run over the requests wrk completed: "
        "it varies less than req/s when something else loads the machine.",
        "",
        *table(report.rows, report.ceiling),
        "",
        "### Ceiling: bare Starlette, the same 20-task JSON as constant bytes",
        "",
        *table(report.ceiling, report.ceiling),
        "",
        f"### Login storm: login at c={STORM_LOGIN_CONCURRENCY} and /health at "
        f"c={STORM_HEALTH_CONCURRENCY}, at the same time",
        "",
        *table(report.storm, []),
        "",
        "## Cold start",
        "",
        f"Seconds from spawning `uvicorn router:app` to the first 200 from /health (polled every 10 ms), "
        f"median of {COLD_START_RUNS}.",
        "",
        "| database | median s | runs s |",
        "| --- | ---: | --- |",
        f"| fresh (migrations applied) | {statistics.median(report.cold_fresh):.3f} | "
        + ", ".join(f"{value:.3f}" for value in report.cold_fresh)
        + " |",
        f"| existing | {statistics.median(report.cold_existing):.3f} | "
        + ", ".join(f"{value:.3f}" for value in report.cold_existing)
        + " |",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
    ]
    for target, measured, met in targets(report):
        lines.append(f"| {target} | {measured} | {'yes' if met else 'NO'} |")
    return "\n".join(lines) + "\n"
