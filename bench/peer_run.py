"""The run of `bench/run.sh --peer` (bench/peer_main.py says what it does): the servers, started
and seeded, the cases, and each case at each concurrency on every server back to back."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.cases import CEILING, CHANGING_PATCH, NEW_TASK, Case, load
from bench.measure import measure, preflight, rotated
from bench.paths import PEER_DIR
from bench.progress import log
from bench.resources import machine_busy_seconds, own_cpu_seconds
from bench.revisions import Side, cached_venv, prepare_current
from bench.run import medians
from bench.seeding import READER_TASKS, WRITER_TASKS, Client, Seeded, seed
from bench.servers import Server, ceiling_server, peer_server, postgresql, running, service_server
from bench.wrk import Load, Row

if TYPE_CHECKING:
    from tests.support.dbservers import PostgresServer

USERS = (("reader", READER_TASKS), ("writer", WRITER_TASKS), ("editor", READER_TASKS))
LIST_20 = "/api/tasks?limit=20"
CACHED_LIST = Case("cached list", "GET", LIST_20, "reader", warmup=True)  # the ceiling runs beside it
CASES = (
    Case("get one", "GET", "/api/tasks/{task}", "reader", every=10),
    Case("patch", "PATCH", "/api/tasks/{task}", "writer", CHANGING_PATCH, script="changing.lua"),
    Case(
        "edit-then-list",
        "PATCH",
        "/api/tasks/{task}",
        "editor",
        CHANGING_PATCH,
        script="then_read.lua",
        read_after=LIST_20,
    ),
    Case("create", "POST", "/api/tasks", "writer", json.dumps(NEW_TASK)),
    CACHED_LIST,
)
WRITES = ("patch", "edit-then-list", "create")

# The servers, by key, in the order of the report.
SERVICE, PEER, POSTGRESQL_1, POSTGRESQL_2 = "service", "peer", "postgresql-1", "postgresql-2"
TITLES = {
    SERVICE: "service",
    PEER: "peer",
    POSTGRESQL_1: "service, PostgreSQL, 1 worker",
    POSTGRESQL_2: "service, PostgreSQL, 2 workers",
}


@dataclass(frozen=True)
class Options:
    duration: float  # seconds per wrk run
    warmup: float  # seconds of the warm-up run before each run of the cached list and the ceiling
    concurrencies: tuple[int, ...]
    repeat: int  # runs per server of each case and concurrency; the median one is reported
    postgresql: bool  # also the service on PostgreSQL, with 1 and with 2 workers
    command: str  # the options as given, for the report


@dataclass(frozen=True)
class Contender:
    """One server of the run, started and seeded."""

    key: str
    server: Server
    seeded: Seeded

    @property
    def title(self) -> str:
        return TITLES[self.key]


@dataclass(frozen=True)
class PeerRun:
    """What a run found: per server, the median run of each case and concurrency."""

    rows: Mapping[str, tuple[Row, ...]]  # by server key; PostgreSQL's absent when left out
    ceiling: tuple[Row, ...]
    postgresql_missing: str | None  # why the service did not run on PostgreSQL (None: it did)
    side: Side  # the service's revision and venv
    peer_python: Path  # the peer's venv
    concurrencies: tuple[int, ...]
    seconds: float
    duration: float
    warmup: float
    started: dt.datetime
    others_cpu: float  # CPU-seconds other processes on the machine used during the run
    command: str

    def find(self, key: str, case: str, concurrency: int) -> Row | None:
        rows = self.rows.get(key, ())
        return next((row for row in rows if row.case == case and row.concurrency == concurrency), None)


def started(server: Server, stack: ExitStack) -> Server:
    """The server started; stopped when the run ends."""
    server.start(timeout=120)
    stack.callback(server.stop)
    return server


def servers(
    side: Side, peer_bin: Path, database: PostgresServer | None, work: Path, stack: ExitStack
) -> dict[str, Server]:
    """Every server of the run, started, by key; the service on PostgreSQL only with `database`."""
    found = {
        SERVICE: started(service_server(side, work / SERVICE, work / f"{SERVICE}.log"), stack),
        PEER: started(peer_server(peer_bin, work / PEER, work / f"{PEER}.log"), stack),
    }
    if database is not None:
        for key, workers in ((POSTGRESQL_1, 1), (POSTGRESQL_2, 2)):
            url = database.create_database(key.replace("-", "_"))
            server = service_server(side, work / key, work / f"{key}.log", url, workers)
            found[key] = started(server, stack)
    return found


def seeded(by_key: dict[str, Server]) -> list[Contender]:
    """Each server seeded alike, all at once (the seeding waits on each server's disk more than
    on the CPU), in the order of `by_key`."""
    log(f"seeding {len(by_key)} servers ...")
    with ThreadPoolExecutor(len(by_key)) as pool:
        data = list(pool.map(lambda server: seed(server.port, USERS), by_key.values()))
    return [Contender(key, server, each) for (key, server), each in zip(by_key.items(), data, strict=True)]


def check(contender: Contender, case: Case, case_load: Load) -> None:
    """The case's first request (and the read after it) must answer as the case expects: a run
    of refusals would measure nothing."""
    port = contender.server.port
    answers = [preflight(port, case_load)]
    if case_load.read_after:
        answers.append(Client(port).call("GET", case_load.read_after, token=case_load.token))
    for status, _, body in answers:
        if not case.accepts(status):
            raise RuntimeError(f"{case.name} on the {contender.title}: {status}: {body[:300]!r}")


def measure_all(
    contenders: Sequence[Contender], ceiling: Server, options: Options
) -> tuple[dict[str, list[Row]], list[Row]]:
    """Every case at every concurrency on every server, back to back, taking turns at going first;
    the ceiling right before the cached list."""
    rows: dict[str, list[Row]] = {contender.key: [] for contender in contenders}
    ceiling_rows: list[Row] = []
    turn = 0
    for case in CASES:
        loads = {contender.key: load(case, contender.seeded) for contender in contenders}
        for contender in contenders:
            check(contender, case, loads[contender.key])
        warmup = options.warmup if case.warmup else 0.0
        for concurrency in options.concurrencies:
            if case is CACHED_LIST:
                row = measure(ceiling, CEILING, concurrency, options.duration, options.warmup, "ceiling")
                ceiling_rows.append(row)
            for _ in range(options.repeat):
                for contender in rotated(contenders, turn):
                    server, case_load = contender.server, loads[contender.key]
                    row = measure(server, case_load, concurrency, options.duration, warmup, contender.key)
                    rows[contender.key].append(row)
                turn += 1
    return rows, ceiling_rows


def ceiling_page(service: Contender, work: Path) -> Path:
    """The page the ceiling serves: the service's cached list, as bytes."""
    body = preflight(service.server.port, load(CACHED_LIST, service.seeded))[2]
    path = work / "page.json"
    path.write_bytes(body)
    return path


def run(options: Options) -> PeerRun:
    started_at = dt.datetime.now(dt.UTC)
    clock, busy, own = time.perf_counter(), machine_busy_seconds(), own_cpu_seconds()
    side = prepare_current()
    peer_bin = cached_venv(PEER_DIR / "requirements.txt", "the peer runs in a venv of its own")
    postgresql_missing = None if options.postgresql else "left out (--no-postgresql)"
    with tempfile.TemporaryDirectory(prefix="todo-peer-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        database = None
        if options.postgresql:
            try:
                database = stack.enter_context(postgresql(work))
            except LookupError as missing:
                log(f"PostgreSQL left out: {missing}")
                postgresql_missing = f"not installed: {missing}"
        contenders = seeded(servers(side, peer_bin, database, work, stack))
        ceiling = ceiling_server(side, ceiling_page(contenders[0], work), work / "ceiling.log")
        with running(ceiling):
            log("the cases, the servers back to back, the ceiling just before the cached list ...")
            rows, ceiling_rows = measure_all(contenders, ceiling, options)
    others_cpu = (machine_busy_seconds() - busy) - (own_cpu_seconds() - own)
    return PeerRun(
        rows={key: medians(each) for key, each in rows.items()},
        ceiling=tuple(ceiling_rows),
        postgresql_missing=postgresql_missing,
        side=side,
        peer_python=peer_bin / "python",
        concurrencies=options.concurrencies,
        seconds=time.perf_counter() - clock,
        duration=options.duration,
        warmup=options.warmup,
        started=started_at,
        others_cpu=max(others_cpu, 0.0),
        command=options.command,
    )
