"""A load's runs on one server (pre-flight, warm-up, wrk, settle) and the cold starts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bench.progress import log
from bench.resources import cpu_seconds, peak_rss_mb, reset_peak_rss
from bench.seeding import Client
from bench.servers import Server, service_env
from bench.wrk import Load, Row, run_wrk

COLD_START_RUNS = 7  # a shared VM can double one start; the median of 7 stays put
WARMUP_CONCURRENCY = 16


def preflight(port: int, load: Load) -> tuple[int, bytes]:
    """One request as wrk will send it first: (status, body)."""
    status, _, data = Client(port).call(
        load.method, load.paths[0], token=load.token, raw=load.body, headers=load.headers
    )
    return status, data


def settle(port: int, load: Load) -> None:
    """Wait until the server has finished what wrk left in flight (the server does not cancel
    a request whose client went away: a login queued for bcrypt still runs). Its queues are
    first come, first served, so one more request of the same load answers last."""
    preflight(port, load)


def measure(server: Server, load: Load, concurrency: int, seconds: float, warmup: float) -> Row:
    """One measured wrk run (after a warm-up run when `warmup` > 0), with the server's peak RSS
    and CPU time per request during it; returns once the server is idle again."""
    if warmup > 0:
        run_wrk(server.port, load, WARMUP_CONCURRENCY, warmup)
        settle(server.port, load)
    reset_peak_rss(server.pid)
    cpu_before = cpu_seconds(server.pid)
    row = run_wrk(server.port, load, concurrency, seconds)
    cpu_ms = (cpu_seconds(server.pid) - cpu_before) * 1000 / max(row.requests, 1)
    row = replace(row, rss_mb=peak_rss_mb(server.pid), cpu_ms=cpu_ms)
    settle(server.port, load)
    log(
        f"  {load.name:<24} c={concurrency:<3} {row.rps:9.1f} req/s  p99 {row.p99_ms:8.2f} ms"
        f"  cpu {cpu_ms:.2f} ms/req"
    )
    return row


def cold_starts(work: Path) -> tuple[list[float], list[float]]:
    """Spawn-to-first-200 on fresh databases, then on an existing one (each run a new process)."""
    fresh, existing = [], []
    for run in range(COLD_START_RUNS):
        data_dir = work / f"cold-{run}"
        server = Server(["router:app"], service_env(data_dir), work / "cold.log")
        fresh.append(server.start())
        server.stop()
    for _ in range(COLD_START_RUNS):
        server = Server(["router:app"], service_env(work / "cold-0"), work / "cold.log")
        existing.append(server.start())
        server.stop()
    return fresh, existing
