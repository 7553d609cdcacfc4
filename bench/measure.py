"""A case's runs on one server (pre-flight, warm-up, wrk, settle) and the cold starts."""

from __future__ import annotations

from pathlib import Path

from bench.progress import log
from bench.resources import cpu_seconds, peak_rss_mb, reset_peak_rss
from bench.seeding import Client
from bench.servers import Server, service_env
from bench.wrk import Case, Row, run_wrk

COLD_START_RUNS = 7  # a shared VM can double one start; the median of 7 stays put


def preflight(port: int, case: Case) -> None:
    """One request as wrk will send it: a case that does not answer 2xx stops the bench."""
    status, data = Client(port).call(case.method, case.paths[0], token=case.token, raw=case.body)
    if not 200 <= status < 300:
        raise RuntimeError(f"{case.name}: {case.method} {case.paths[0]} -> {status}: {data[:300]!r}")


def settle(port: int, case: Case) -> None:
    """Wait until the server has finished what wrk left in flight (the server does not cancel
    a request whose client went away: a login queued for bcrypt still runs). Its queues are
    first come, first served, so one more request of the same case answers last."""
    Client(port).call(case.method, case.paths[0], token=case.token, raw=case.body)


def measure(
    port: int, pid: int, case: Case, concurrencies: tuple[int, ...], seconds: float, warmup: float
) -> list[Row]:
    preflight(port, case)
    if case.warmup and warmup > 0:
        run_wrk(port, case, 16, warmup)
    rows = []
    for concurrency in concurrencies:
        reset_peak_rss(pid)
        cpu_before = cpu_seconds(pid)
        row = run_wrk(port, case, concurrency, seconds)
        row.rss_mb = peak_rss_mb(pid)
        row.cpu_ms = (cpu_seconds(pid) - cpu_before) * 1000 / max(row.requests, 1)
        settle(port, case)
        log(
            f"  {case.name:<24} c={concurrency:<3} {row.rps:9.1f} req/s  p99 {row.p99_ms:8.2f} ms"
            f"  cpu {row.cpu_ms:.2f} ms/req"
        )
        rows.append(row)
    return rows


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
