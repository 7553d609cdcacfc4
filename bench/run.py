"""The whole run: cold starts, the seeded service beside the ceiling, the login storm."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench.cases import CASES, CEILING, CEILING_BESIDE, load, storm
from bench.measure import cold_starts, measure, preflight, settle
from bench.paths import BENCH_DIR
from bench.progress import log
from bench.resources import machine_busy_seconds, own_cpu_seconds, peak_rss_mb, reset_peak_rss
from bench.seeding import Seeded, seed
from bench.servers import Server, compile_app, running, service_env
from bench.wrk import Row, run_together


@dataclass
class Report:
    rows: list[Row]
    ceiling: list[Row]
    storm: list[Row]
    cold_fresh: list[float]
    cold_existing: list[float]
    peak_rss_mb: float | None
    seconds: float
    duration: float
    started: dt.datetime
    others_cpu: float  # CPU-seconds other processes on the machine used during the run


def measure_service(
    service: Server, ceiling: Server, seeded: Seeded, args: argparse.Namespace
) -> tuple[list[Row], list[Row]]:
    """Every case on the service; the ceiling at each concurrency right before CEILING_BESIDE."""
    rows: list[Row] = []
    ceiling_rows: list[Row] = []
    for case in CASES:
        service_load = load(case, seeded)
        status, data = preflight(service.port, service_load)
        if not case.accepts(status):
            raise RuntimeError(
                f"{case.name}: {case.method} {service_load.paths[0]} -> {status}: {data[:300]!r}"
            )
        for concurrency in args.concurrency:
            if case.name == CEILING_BESIDE:
                ceiling_rows.append(measure(ceiling, CEILING, concurrency, args.duration, args.warmup))
            warmup = args.warmup if case.warmup else 0
            rows.append(measure(service, service_load, concurrency, args.duration, warmup))
    return rows, ceiling_rows


def run(args: argparse.Namespace) -> Report:
    started_at = dt.datetime.now(dt.UTC)
    clock, busy, own = time.perf_counter(), machine_busy_seconds(), own_cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="todo-bench-") as tmp:
        work = Path(tmp)
        log("cold start ...")
        compile_app()
        cold_fresh, cold_existing = cold_starts(work)
        fresh, existing = statistics.median(cold_fresh), statistics.median(cold_existing)
        log(f"  fresh {fresh:.3f} s, existing {existing:.3f} s")

        service = Server(["router:app"], service_env(work / "service"), work / "service.log")
        with running(service):
            log("seeding ...")
            seeded = seed(service.port)
            page_body = preflight(
                service.port, load(next(c for c in CASES if c.name == CEILING_BESIDE), seeded)
            )[1]
            (work / "page.json").write_bytes(page_body)
            overall_peak = peak_rss_mb(service.pid)  # start-up and seeding
            ceiling_env = {**os.environ, "BENCH_CEILING_BODY": str(work / "page.json")}
            ceiling = Server(["--app-dir", str(BENCH_DIR), "ceiling:app"], ceiling_env, work / "ceiling.log")
            with running(ceiling):
                log("service, and the ceiling just before list 20 at each concurrency ...")
                rows, ceiling_rows = measure_service(service, ceiling, seeded, args)
            log("login storm ...")
            storm_runs = storm()
            reset_peak_rss(service.pid)
            storm_rows = run_together(service.port, storm_runs, args.duration)
            storm_rss = peak_rss_mb(service.pid)
            settle(service.port, storm_runs[0][0])
            storm_rows = [replace(row, rss_mb=storm_rss) for row in storm_rows]
            readings = [overall_peak, *(row.rss_mb for row in rows), storm_rss]
            known = [value for value in readings if value is not None]
            overall_peak = max(known) if known else None

    others_cpu = (machine_busy_seconds() - busy) - (own_cpu_seconds() - own)
    return Report(
        rows=rows,
        ceiling=ceiling_rows,
        storm=storm_rows,
        cold_fresh=cold_fresh,
        cold_existing=cold_existing,
        peak_rss_mb=overall_peak,
        seconds=time.perf_counter() - clock,
        duration=args.duration,
        started=started_at,
        others_cpu=max(others_cpu, 0.0),
    )
