"""A load's runs on one server (pre-flight, warm-up, wrk, settle), the sides' turns, cold starts."""

from __future__ import annotations

import http.client
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from bench.progress import log
from bench.resources import cpu_seconds, peak_rss_mb, reset_peak_rss
from bench.results import ColdStarts
from bench.revisions import Side
from bench.seeding import Client
from bench.servers import Server, service_server
from bench.wrk import Load, Row, run_wrk

T = TypeVar("T")

WARMUP_CONCURRENCY = 16


def preflight(port: int, load: Load) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request as wrk will send it first: (status, response headers, body)."""
    return Client(port).call(
        load.method, load.paths[0], token=load.token, raw=load.body, headers=load.headers
    )


def settle(port: int, load: Load) -> None:
    """Wait until the server has finished what wrk left in flight (the server does not cancel
    a request whose client went away: a login queued for bcrypt still runs). Its queues are
    first come, first served, so one more request of the same load answers last."""
    preflight(port, load)


def measure(
    server: Server, load: Load, concurrency: int, seconds: float, warmup: float, side: str = ""
) -> Row:
    """One measured wrk run (after a warm-up run when `warmup` > 0), with the server's peak RSS
    and CPU time per request during it, and the errors it logged until it was idle again (when
    this returns)."""
    if warmup > 0:
        run_wrk(server.port, load, WARMUP_CONCURRENCY, warmup)
        settle(server.port, load)
    reset_peak_rss(server.pid)
    cpu_before, log_before = cpu_seconds(server.pid), server.log_size()
    row = run_wrk(server.port, load, concurrency, seconds)
    cpu_ms = (cpu_seconds(server.pid) - cpu_before) * 1000 / max(row.requests, 1)
    row = replace(row, rss_mb=peak_rss_mb(server.pid), cpu_ms=cpu_ms)
    settle(server.port, load)
    row = replace(row, logged_errors=server.tracebacks_since(log_before))
    log(
        f"  {side:<12} {load.name:<24} c={concurrency:<3} {row.rps:9.1f} req/s  p99 {row.p99_ms:8.2f} ms"
        f"  cpu {cpu_ms:.2f} ms/req"
    )
    return row


def rotated(items: Sequence[T], turn: int) -> list[T]:
    """`items` starting at the `turn`-th, wrapping round: over successive turns each goes first
    as often as the others (two sides simply alternate)."""
    if not items:
        return []
    start = turn % len(items)
    return [*items[start:], *items[:start]]


def start_once(side: Side, data_dir: Path, log_path: Path) -> float:
    """One cold start: seconds from spawning the side's server to its first 200 from /health."""
    server = service_server(side, data_dir, log_path)
    try:
        return server.start()
    finally:
        server.stop()


def cold_starts(sides: Sequence[Side], work: Path, runs: int) -> dict[str, ColdStarts]:
    """Per side: starts on fresh databases, then on an existing one, each a new process; the
    sides take turns within each run, alternating which goes first."""
    fresh: dict[str, list[float]] = {side.key: [] for side in sides}
    existing: dict[str, list[float]] = {side.key: [] for side in sides}
    for run in range(runs):
        for side in rotated(sides, run):
            fresh[side.key].append(start_once(side, work / side.key / f"cold-{run}", work / "cold.log"))
    for run in range(runs):
        for side in rotated(sides, run):
            existing[side.key].append(start_once(side, work / side.key / "cold-0", work / "cold.log"))
    return {side.key: ColdStarts(tuple(fresh[side.key]), tuple(existing[side.key])) for side in sides}
