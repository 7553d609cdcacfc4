"""What a run found, per side: the shape the report and the targets read."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from bench.revisions import Side
from bench.wrk import Row


@dataclass(frozen=True)
class ColdStarts:
    """Seconds from spawning the server to its first 200 from /health, one a run."""

    fresh: tuple[float, ...]  # each on a new DATA_DIR: the migrations run
    existing: tuple[float, ...]  # on the database the first fresh run left

    @property
    def fresh_median(self) -> float:
        return statistics.median(self.fresh)

    @property
    def existing_median(self) -> float:
        return statistics.median(self.existing)


@dataclass(frozen=True)
class StreamsRun:
    """bench/streams.py's run."""

    health: Row  # /health with the streams open and events flowing
    rss_before_mb: float | None  # the worker's resident set before the streams opened
    rss_after_mb: float | None  # ... with them open, after the events
    events: int  # event messages the streams received during the run


@dataclass(frozen=True)
class SideResults:
    side: Side
    rows: tuple[Row, ...]  # one a case and concurrency it ran
    storm: tuple[Row, ...]  # empty for a side that runs no storm (METRICS=true)
    cold: ColdStarts
    peak_rss_mb: float | None  # over the whole run: start-up, seeding, every case, the storm
    seeded_rss_mb: float | None  # after start-up and seeding, before any case
    missing: dict[str, str]  # case -> why it is n/a on this side (a baseline without it)
    streams: StreamsRun | None = None  # the open event streams' run (the current side's)

    def find(self, case: str, concurrency: int) -> Row | None:
        return find(self.rows, case, concurrency)


@dataclass(frozen=True)
class Report:
    sides: tuple[SideResults, ...]  # the current revision first
    ceiling: tuple[Row, ...]
    seconds: float
    duration: float
    started: dt.datetime
    others_cpu: float  # CPU-seconds other processes on the machine used during the run
    command: str  # the options of this run, to reproduce it
    database: str = "sqlite"  # what every side's server ran on: "sqlite" or "postgresql"

    @property
    def current(self) -> SideResults:
        return self.sides[0]

    def side(self, key: str) -> SideResults | None:
        return next((each for each in self.sides if each.side.key == key), None)


def find(rows: tuple[Row, ...], case: str, concurrency: int) -> Row | None:
    return next((row for row in rows if row.case == case and row.concurrency == concurrency), None)
