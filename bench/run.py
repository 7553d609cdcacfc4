"""The whole run: the sides' cold starts, then their seeded servers case by case beside the
ceiling, then their login storms."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench import serving
from bench.cases import CEILING, CEILING_BESIDE, Case, case_named, load, storm
from bench.measure import cold_starts, measure, preflight, rotated, settle
from bench.progress import log
from bench.resources import machine_busy_seconds, own_cpu_seconds, peak_rss_mb, reset_peak_rss
from bench.results import ColdStarts, Report, SideResults, StreamsRun
from bench.revisions import Side, prepare_baseline, prepare_current, with_metrics
from bench.servers import NewDatabase, Server, ceiling_server, databases, running
from bench.serving import Service
from bench.streams import measure_streams
from bench.wrk import Row, run_together


@dataclass(frozen=True)
class Options:
    duration: float  # seconds per wrk run
    warmup: float  # seconds of the warm-up run before each run of a warm-up case
    concurrencies: tuple[int, ...]
    cold_runs: int
    cases: tuple[Case, ...]
    repeat: int = 1  # runs per side of each case and concurrency; the median one is reported
    baseline: str | None = None  # a git revision, served side by side with the working tree
    metrics: bool = False  # also the current revision with METRICS=true, on the flagged cases
    database: str = "sqlite"  # or "postgresql": a server started for the run, a database per server
    command: str = ""  # the options as given, for the report


@dataclass
class Runs:
    """What the cases found so far, by side key; and the ceiling's rows."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    missing: dict[str, dict[str, str]] = field(default_factory=dict)  # side -> case -> why n/a
    ceiling: list[Row] = field(default_factory=list)


def prepare_sides(options: Options, work: Path) -> list[Side]:
    """The current side first, then the baseline and the METRICS=true side when asked for."""
    current = prepare_current()
    sides = [current]
    if options.baseline:
        log(f"baseline {options.baseline}: exporting it ...")
        sides.append(prepare_baseline(options.baseline, work))
    if options.metrics:
        sides.append(with_metrics(current))
    return sides


def ready_for(case: Case, services: Sequence[Service], runs: Runs) -> list[Service]:
    """The services that run the case; a side that lacks it is noted in `runs.missing`."""
    ready = []
    for service in services:
        if service.side.metrics and not case.metrics:
            continue
        if reason := service.unavailable(case):
            log(f"  {case.name}: n/a on the {service.side.title} side ({reason})")
            runs.missing.setdefault(service.side.key, {})[case.name] = reason
        else:
            ready.append(service)
    return ready


def measure_case(
    case: Case, services: Sequence[Service], ceiling: Server, options: Options, runs: Runs, turn: int
) -> int:
    """The case at each concurrency on every side that can run it, back to back, the sides
    taking turns at going first (so that the machine's drift hits them alike); the ceiling
    right before them when the case is CEILING_BESIDE. Returns the next turn."""
    ready = ready_for(case, services, runs)
    warmup = options.warmup if case.warmup else 0.0
    for concurrency in options.concurrencies:
        if case.name == CEILING_BESIDE:
            runs.ceiling.append(
                measure(ceiling, CEILING, concurrency, options.duration, options.warmup, "ceiling")
            )
        for _ in range(options.repeat):
            for service in rotated(ready, turn):
                case_load = load(case, service.seeded)
                row = measure(
                    service.server, case_load, concurrency, options.duration, warmup, service.side.title
                )
                runs.rows.setdefault(service.side.key, []).append(row)
            turn += 1
    return turn


def ceiling_page(service: Service, work: Path) -> Path:
    """The page the ceiling serves: CEILING_BESIDE's response on `service`, as bytes."""
    body = preflight(service.server.port, load(case_named(CEILING_BESIDE), service.seeded))[2]
    path = work / "page.json"
    path.write_bytes(body)
    return path


def measure_cases(services: Sequence[Service], options: Options, work: Path) -> Runs:
    """Every case on every side, beside the ceiling (which serves the first side's page)."""
    runs = Runs()
    ceiling = ceiling_server(services[0].side, ceiling_page(services[0], work), work / "ceiling.log")
    with running(ceiling):
        log("the cases, the sides back to back, the ceiling just before list 20 at each concurrency ...")
        turn = 0
        for case in options.cases:
            turn = measure_case(case, services, ceiling, options, runs, turn)
    return runs


def measure_storm(service: Service, duration: float) -> list[Row]:
    """Login at c=16 with /health beside it; the rows carry the server's peak RSS meanwhile."""
    loads = storm()
    reset_peak_rss(service.server.pid)
    rows = run_together(service.server.port, loads, duration)
    rss = peak_rss_mb(service.server.pid)
    settle(service.server.port, loads[0][0])
    return [replace(row, rss_mb=rss) for row in rows]


@contextmanager
def served(sides: Sequence[Side], work: Path, new_database: NewDatabase) -> Iterator[list[Service]]:
    """Every side's server, started on its own database and seeded; all stopped on the way out."""
    with ExitStack() as stack:
        services = []
        for side in sides:
            service = serving.start(side, work, new_database(f"served_{side.key}"))
            stack.callback(service.server.stop)
            services.append(service)
        yield services


def medians(rows: Sequence[Row]) -> tuple[Row, ...]:
    """Of each case and concurrency's runs (one unless --repeat), the median one by req/s (of an
    even count, the faster of the middle two), in the order of the run."""
    runs: dict[tuple[str, int], list[Row]] = {}
    for row in rows:
        runs.setdefault((row.case, row.concurrency), []).append(row)
    return tuple(sorted(each, key=lambda row: row.rps)[len(each) // 2] for each in runs.values())


def peak(readings: Sequence[float | None]) -> float | None:
    known = [value for value in readings if value is not None]
    return max(known) if known else None


def run(options: Options) -> Report:
    started_at = dt.datetime.now(dt.UTC)
    clock, busy, own = time.perf_counter(), machine_busy_seconds(), own_cpu_seconds()
    with (
        tempfile.TemporaryDirectory(prefix="todo-bench-") as tmp,
        databases(options.database, Path(tmp)) as new_database,
    ):
        work = Path(tmp)
        sides = prepare_sides(options, work)
        log("cold start ...")
        cold = cold_starts(sides, work, options.cold_runs, new_database)
        for side in sides:
            log(
                f"  {side.title}: fresh {cold[side.key].fresh_median:.3f} s,"
                f" existing {cold[side.key].existing_median:.3f} s"
            )
        with served(sides, work, new_database) as services:
            seeded_peak = {s.side.key: peak_rss_mb(s.server.pid) for s in services}  # start-up, seeding
            runs = measure_cases(services, options, work)
            log("login storm ...")
            storms = {s.side.key: measure_storm(s, options.duration) for s in services if not s.side.metrics}
            streams = measure_streams(services[0], options.duration)
    others_cpu = (machine_busy_seconds() - busy) - (own_cpu_seconds() - own)
    return Report(
        sides=tuple(
            side_results(side, runs, storms.get(side.key, []), cold[side.key], seeded_peak, streams)
            for side in sides
        ),
        ceiling=tuple(runs.ceiling),
        seconds=time.perf_counter() - clock,
        duration=options.duration,
        started=started_at,
        others_cpu=max(others_cpu, 0.0),
        command=options.command,
        database=options.database,
    )


def side_results(
    side: Side,
    runs: Runs,
    storm_rows: list[Row],
    cold: ColdStarts,
    seeded_peak: dict[str, float | None],
    streams: StreamsRun | None,
) -> SideResults:
    rows = runs.rows.get(side.key, [])
    readings = [seeded_peak[side.key], *(row.rss_mb for row in [*rows, *storm_rows])]
    return SideResults(
        side=side,
        rows=medians(rows),
        storm=tuple(storm_rows),
        cold=cold,
        peak_rss_mb=peak(readings),
        seeded_rss_mb=seeded_peak[side.key],
        missing=runs.missing.get(side.key, {}),
        streams=streams if side.key == "current" else None,
    )
