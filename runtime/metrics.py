"""Prometheus metrics (METRICS=true), summed over every worker process of the server.

prometheus-client's multiprocess mode: each process writes its values to memory-mapped files
in one directory, and a scrape of any worker reads them all. The directory must be chosen
before prometheus_client is first imported (the library picks its value store at import), so
this module imports it only inside `open_metrics`, which only a METRICS=true app calls.

The directory is PROMETHEUS_MULTIPROC_DIR when the operator sets it (they then empty it before
each start, as prometheus-client asks), else one per server run under the system's temporary
directory: named after the uvicorn process that spawned the workers (or this process, when it
runs alone) and that process's start time, so a new run never adds to an old run's counts.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

if TYPE_CHECKING:
    from prometheus_client import Counter, Histogram

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
RUNS_DIR = Path(tempfile.gettempdir()) / "todo-api-metrics"
FLUSH_SECONDS = 1.0
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Counts:
    """Counter increments kept as plain integers until `flush` adds them to the shared values:
    a request then pays a dict update instead of a locked write to a mapped file. The app
    flushes every FLUSH_SECONDS, and a scrape flushes its own worker's first, so a scrape is
    behind the other workers by that much at most."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # database threads count page-cache hits too
        self.pending: defaultdict[Any, int] = defaultdict(int)

    def add(self, child: Any) -> None:
        with self.lock:
            self.pending[child] += 1

    def flush(self) -> None:
        with self.lock:
            pending, self.pending = self.pending, defaultdict(int)
        for child, amount in pending.items():
            child.inc(amount)


@dataclass(frozen=True)
class Metrics:
    requests: Counter  # method, route (the template, never the raw path), status
    latency: Histogram  # method, route
    db_calls: Histogram  # kind: read or write; the transaction's own time
    pool_waits: Histogram  # kind: time spent waiting for a database thread
    page_cache: Counter  # result: hit or miss
    login_throttled: Counter  # login and password-confirmation attempts answered 429
    hub_reads: Counter  # mode: how the event hub knew to read, "polling" or "listening"
    directory: Path
    counts: Counts  # the pending increments of `requests`, `page_cache` and `hub_reads`


async def flush_periodically(metrics: Metrics) -> None:
    """Started by the app's lifespan, cancelled (after a last flush) when it ends."""
    try:
        while True:
            await anyio.sleep(FLUSH_SECONDS)
            metrics.counts.flush()
    finally:
        metrics.counts.flush()


def open_metrics() -> Metrics:
    directory = Path(os.environ.get(MULTIPROCESS_ENV) or run_directory())
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROCESS_ENV] = str(directory)
    from prometheus_client import Counter, Histogram

    return Metrics(
        requests=Counter("todo_api_requests", "HTTP requests", ["method", "route", "status"], registry=None),
        latency=Histogram(
            "todo_api_request_duration_seconds",
            "Time to answer a request",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=None,
        ),
        db_calls=Histogram(
            "todo_api_db_call_duration_seconds",
            "Time a database call's transaction took",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=None,
        ),
        pool_waits=Histogram(
            "todo_api_db_pool_wait_seconds",
            "Time a database call waited for a database thread",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=None,
        ),
        page_cache=Counter("todo_api_page_cache", "Task-list pages asked for", ["result"], registry=None),
        login_throttled=Counter("todo_api_login_throttled", "Login attempts answered 429", registry=None),
        hub_reads=Counter(
            "todo_api_event_hub_reads", "Reads of the event hub for its streams", ["mode"], registry=None
        ),
        directory=directory,
        counts=Counts(),
    )


def exposition(metrics: Metrics) -> tuple[bytes, str]:
    """Every process's values, merged (this one's pending counts first): the body of a scrape
    and its media type."""
    metrics.counts.flush()
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(metrics.directory))
    return generate_latest(registry), CONTENT_TYPE_LATEST


def run_directory() -> Path:
    """This server run's directory; those of runs whose process is gone are removed."""
    parent = multiprocessing.parent_process()
    pid = parent.pid if parent is not None and parent.pid is not None else os.getpid()
    for old in RUNS_DIR.glob("*-*"):
        old_pid = old.name.partition("-")[0]
        if old_pid.isdigit() and not process_alive(int(old_pid)):
            shutil.rmtree(old, ignore_errors=True)
    return RUNS_DIR / f"{pid}-{start_time(pid)}"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_time(pid: int) -> str:
    """When the process started, in clock ticks since boot (Linux), so a reused pid is told
    apart; "0" where /proc cannot say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "0"
    return stat.rpartition(")")[2].split()[19]
