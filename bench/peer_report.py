"""The report of `bench/run.sh --peer` (Markdown, printed and written to bench/PEER.md), and
issue 22's targets checked against the run."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial

from bench.cases import CEILING
from bench.compare import over
from bench.paths import ROOT
from bench.peer_run import (
    CACHED_LIST,
    CASES,
    PEER,
    POSTGRESQL_1,
    POSTGRESQL_2,
    SERVICE,
    USERS,
    WRITES,
    PeerRun,
)
from bench.report import fmt, machine, times
from bench.results import find
from bench.revisions import package_versions
from bench.targets import Check
from bench.wrk import Row

TARGET_PEER_RATIO = 10.0  # each operation's req/s over the peer's, at every concurrency
TARGET_CEILING_RATIO = 0.70  # the cached list's req/s over the bare Starlette ceiling's
TARGET_WORKERS_RATIO = 1.0  # each write on PostgreSQL: 2 workers' req/s over 1 worker's
PEER_PACKAGES = (
    *("fastapi", "sqlmodel", "SQLAlchemy", "pydantic", "starlette"),
    *("uvicorn", "uvloop", "httptools", "PyJWT", "bcrypt"),
)


def markdown(run: PeerRun) -> str:
    lines = [
        *header(run),
        *against_peer(run),
        *against_ceiling(run),
        *on_postgresql(run),
        *targets_table(run),
    ]
    return "\n".join(lines) + "\n"


def header(run: PeerRun) -> list[str]:
    share = run.others_cpu / (run.seconds * (os.cpu_count() or 1))
    peer_venv = run.peer_python.parent.parent.relative_to(ROOT)
    users = ", ".join(f"{name} {count:,} tasks" for name, count in USERS)
    return [
        "# The service against an idiomatic FastAPI peer",
        "",
        f"Latest run: {run.started.strftime('%Y-%m-%d %H:%M UTC')}, app at `{run.side.revision}`, "
        f"{run.duration:g} s per wrk run (after a {run.warmup:g} s warm-up for the cached list and the "
        f"ceiling), whole run {run.seconds / 60:.1f} min.",
        "",
        f"Machine: {machine(run.side)}. The load generator (wrk, one thread) shares the machine with "
        "the servers.",
        "",
        f"The peer: `bench/peer/app.py` (FastAPI + SQLModel + PyJWT, sync endpoints, SQLite), in a venv of "
        f"its own (`{peer_venv}`): {', '.join(package_versions(run.peer_python, PEER_PACKAGES))}.",
        "",
        f"Other processes used {run.others_cpu:.0f} CPU-seconds during the run ({share:.0%} of the "
        "machine's capacity): figures from a busy machine are low and noisy; the server CPU per request "
        "moves less.",
        "",
        'Reproduce: `make bench-peer` (bench/README.md, "Against an idiomatic FastAPI peer")'
        + (f"; this run: `bench/run.sh {run.command}`." if run.command else "."),
        "",
        f"Each server: one uvicorn worker (but where two are named), `{' '.join(run.side.flags)}`, its own "
        f"port and temporary database, seeded alike over HTTP ({users}). The servers ran each "
        "operation at each concurrency back to back, taking turns at going first. get one: "
        "`GET /api/tasks/{id}` over every 10th of the reader's tasks; patch: `PATCH /api/tasks/{id}` "
        "of the writer's, a new description each time; edit-then-list: that patch on the editor's "
        "tasks and `GET /api/tasks?limit=20` of the editor's, in turn (req/s counts both); create: "
        "`POST /api/tasks` with two tags and a due date; cached list: the reader's "
        "`GET /api/tasks?limit=20`, nothing changed since the last. `errors`: responses >= 400 and "
        "wrk's socket errors. Server CPU ms/req: the server's CPU time (user + system, all threads "
        "and workers) over the requests wrk completed.",
        "",
    ]


# What the peer does when it fails at high concurrency (bench/README.md has the evidence).
PEER_STALL = (
    "The peer failed where its errors are marked: a run of its own making, not of the machine. FastAPI "
    "runs `get_current_user` (a sync dependency) and then the endpoint in separate hops of its "
    "40-thread pool; the dependency's query checks out one of SQLAlchemy's 15 connections (pool 5 + "
    "overflow 10), and the session holds it until the endpoint has run. Past 40 requests at once, "
    "every thread can be waiting for a connection while the requests that hold the 15 wait for a "
    "thread: nothing moves until the pool's 30 s timeout fails the waiting requests (500, logged; wrk "
    "has stopped waiting by then, so they count as `logged`). Its req/s there measures that stall, "
    "and the target leaves such a run out."
)


def errors(row: Row | None) -> str:
    """Responses >= 400 and socket errors during the run, and the errors logged after it."""
    if row is None:
        return "-"
    logged = f" (+{row.logged_errors} logged)" if row.logged_errors else ""
    return f"{row.non_2xx + row.socket_errors}{logged}"


def error_count(row: Row | None) -> int:
    return 0 if row is None else row.non_2xx + row.socket_errors + row.logged_errors


def requests(row: Row | None) -> str:
    return "no" if row is None else f"{row.requests:,}"


def failed(row: Row | None) -> bool:
    """Whether the run says nothing about speed: no request completed, or some failed."""
    return row is None or row.requests == 0 or error_count(row) > 0


def against_peer(run: PeerRun) -> list[str]:
    lines = [
        "## On SQLite: the service over the peer",
        "",
        f"Target: every operation at least {TARGET_PEER_RATIO:g}x the peer's req/s, at every concurrency.",
        "",
        "| operation | c | service req/s | peer req/s | service / peer | service p99 ms | peer p99 ms "
        "| service CPU ms/req | peer CPU ms/req | peer CPU / service | errors (service, peer) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case in CASES:
        for concurrency in run.concurrencies:
            ours, peer = run.find(SERVICE, case.name, concurrency), run.find(PEER, case.name, concurrency)
            lines.append(
                f"| {case.name} | {concurrency} | {rps(ours)} | {rps(peer)} | {ratio(ours, peer)} | "
                f"{p99(ours)} | {p99(peer)} | {cpu(ours)} | {cpu(peer)} | "
                f"{'failed' if failed(peer) else times(over(cpu_ms(peer), cpu_ms(ours)))} | "
                f"{errors(ours)}, {errors(peer)} |"
            )
    stalled = any(failed(run.find(PEER, case.name, c)) for case in CASES for c in run.concurrencies)
    return [*lines, "", *([PEER_STALL, ""] if stalled else [])]


def against_ceiling(run: PeerRun) -> list[str]:
    lines = [
        "## The cached list against the bare Starlette ceiling",
        "",
        f"Target: the service's cached list at least {TARGET_CEILING_RATIO:.2f} of the ceiling's req/s "
        "(bench/ceiling.py: the same page as constant bytes, measured right before it).",
        "",
        "| c | ceiling req/s | service req/s | service / ceiling | peer req/s | peer / ceiling |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for concurrency in run.concurrencies:
        ceiling = find(run.ceiling, CEILING.name, concurrency)
        ours, peer = (
            run.find(SERVICE, CACHED_LIST.name, concurrency),
            run.find(PEER, CACHED_LIST.name, concurrency),
        )
        lines.append(
            f"| {concurrency} | {rps(ceiling)} | {rps(ours)} | {ratio(ours, ceiling)} | {rps(peer)} | "
            f"{ratio(peer, ceiling)} |"
        )
    return [*lines, ""]


def on_postgresql(run: PeerRun) -> list[str]:
    lines = ["## On PostgreSQL: the service with one and with two workers, beside SQLite", ""]
    if run.postgresql_missing:
        return [*lines, f"Not measured: PostgreSQL {run.postgresql_missing}.", ""]
    lines += [
        f"Target: no write ({', '.join(WRITES)}) slower with two workers than with one "
        f"(`2 / 1` at least {TARGET_WORKERS_RATIO:.2f}). The PostgreSQL server (tests/support/dbservers.py) "
        "shares the machine too; each side has a database of its own on it.",
        "",
        "| operation | c | SQLite, 1 worker req/s | PostgreSQL, 1 worker req/s | PostgreSQL, 2 workers req/s "
        "| 2 / 1 | 1 worker p99 ms | 2 workers p99 ms | 2 workers / peer | errors (1, 2) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case in CASES:
        for concurrency in run.concurrencies:
            sqlite = run.find(SERVICE, case.name, concurrency)
            one, two = (
                run.find(POSTGRESQL_1, case.name, concurrency),
                run.find(POSTGRESQL_2, case.name, concurrency),
            )
            peer = run.find(PEER, case.name, concurrency)
            lines.append(
                f"| {case.name} | {concurrency} | {rps(sqlite)} | {rps(one)} | {rps(two)} | "
                f"{ratio(two, one)} | {p99(one)} | {p99(two)} | {ratio(two, peer)} | "
                f"{errors(one)}, {errors(two)} |"
            )
    return [*lines, ""]


def rps(row: Row | None) -> str:
    return fmt(row.rps if row else None, 0)


def p99(row: Row | None) -> str:
    return fmt(row.p99_ms if row else None, 2)


def cpu(row: Row | None) -> str:
    return fmt(cpu_ms(row), 2)


def cpu_ms(row: Row | None) -> float | None:
    """The server's CPU per request; None where no request completed (the work went elsewhere)."""
    return row.cpu_ms if row and row.requests else None


def over_rps(row: Row | None, reference: Row | None) -> float | None:
    return over(row.rps if row else None, reference.rps if reference else None)


def ratio(row: Row | None, reference: Row | None) -> str:
    """req/s over the reference's; "failed" where the reference failed (the peer's stall at c=64)."""
    return "failed" if reference and failed(reference) else times(over_rps(row, reference))


def checks(run: PeerRun) -> list[Check]:
    """Issue 22's targets: each operation over the peer, the cached list over the ceiling, each
    write with two workers over one on PostgreSQL; and no error on the service's sides."""
    found = [
        ratio_check(
            run,
            f"{case.name}: >= {TARGET_PEER_RATIO:g}x the peer's req/s (SQLite)",
            (SERVICE, case.name),
            TARGET_PEER_RATIO,
            partial(run.find, PEER, case.name),
        )
        for case in CASES
    ]
    found.append(
        ratio_check(
            run,
            f"the cached list: >= {TARGET_CEILING_RATIO:.2f} of the ceiling's req/s",
            (SERVICE, CACHED_LIST.name),
            TARGET_CEILING_RATIO,
            partial(find, run.ceiling, CEILING.name),
        )
    )
    if not run.postgresql_missing:
        found += [
            ratio_check(
                run,
                f"{write} on PostgreSQL: 2 workers >= {TARGET_WORKERS_RATIO:.2f}x 1 worker's req/s",
                (POSTGRESQL_2, write),
                TARGET_WORKERS_RATIO,
                partial(run.find, POSTGRESQL_1, write),
            )
            for write in WRITES
        ]
    return [*found, no_errors(run)]


def ratio_check(
    run: PeerRun,
    target: str,
    measured: tuple[str, str],
    least: float,
    reference: Callable[[int], Row | None],
) -> Check:
    """The req/s of `measured` (a server's key, a case) over `reference`'s row at the same
    concurrency, at every concurrency: met when each is at least `least`. A concurrency where
    the reference failed (the peer's stall) is shown and left out."""
    found: list[str] = []
    met: bool | None = None
    for concurrency in run.concurrencies:
        base = reference(concurrency)
        value = over_rps(run.find(*measured, concurrency), base)
        if failed(base):
            found.append(
                f"c={concurrency} left out (failed: {requests(base)} requests, {error_count(base)} errors)"
            )
        elif value is not None:
            found.append(f"c={concurrency} {value:.2f}")
            met = (met is not False) and value >= least
    return Check(target, ", ".join(found) or "not measured", met)


def no_errors(run: PeerRun) -> Check:
    """The service answered every request below 400, without a socket error or a logged one, on
    every side."""
    failing = [
        f"{key} {row.case} c={row.concurrency}"
        for key, rows in run.rows.items()
        if key != PEER
        for row in rows
        if failed(row)
    ]
    return Check("the service: no error (>= 400, socket, logged)", ", ".join(failing) or "none", not failing)


def targets_table(run: PeerRun) -> list[str]:
    lines = ["## Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
    for check in checks(run):
        met = "-" if check.met is None else ("yes" if check.met else "NO")
        lines.append(f"| {check.target} | {check.measured} | {met} |")
    return lines
