"""One wrk run: what it sends (a Load), its command line and environment, its parsed result."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bench.paths import LUA_DIR

REQUEST_LUA = LUA_DIR / "request.lua"


@dataclass(frozen=True)
class Load:
    """What wrk sends, made concrete for one server: a case resolved against its seeded data."""

    name: str
    method: str
    paths: tuple[str, ...]  # taken in turn; the first is also the pre-flight's and settle's
    token: str | None = None
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    unique: bool = False  # each request's address made new (`&n=...`): no page comes from the cache
    script: Path = REQUEST_LUA
    unique_header: str = ""  # changing.lua: a header given a new value each request
    read_after: str = ""  # then_read.lua: a GET of this path after each request

    def env(self) -> dict[str, str]:
        """The BENCH_* variables bench/lua/request.lua reads (a case's own script gets them too)."""
        return {
            "BENCH_METHOD": self.method,
            "BENCH_PATHS": " ".join(self.paths),
            "BENCH_TOKEN": self.token or "",
            "BENCH_BODY": self.body or "",
            "BENCH_HEADERS": "\n".join(f"{name}: {value}" for name, value in self.headers.items()),
            "BENCH_UNIQUE": "1" if self.unique else "",
            "BENCH_HEADER_UNIQUE": self.unique_header,
            "BENCH_READ_AFTER": self.read_after,
            "BENCH_LUA_DIR": str(LUA_DIR),
        }


@dataclass(frozen=True)
class Row:
    """One wrk run's figures, with what /proc said about the server meanwhile."""

    case: str
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    requests: int
    rss_mb: float | None = None
    cpu_ms: float | None = None  # server CPU per request: robust to other load on the machine
    logged_errors: int = 0  # tracebacks in the server's log from the run to the end of its settling


def wrk_command(port: int, load: Load, concurrency: int, seconds: float) -> list[str]:
    return [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(load.script),
        f"http://127.0.0.1:{port}{load.paths[0]}",
    ]


def wrk_row(load: Load, concurrency: int, output: str) -> Row:
    line = next((line for line in output.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no BENCH_JSON line for {load.name}:\n{output}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Row(
        case=load.name,
        concurrency=concurrency,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        non_2xx=data["status"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        requests=data["requests"],
    )


def run_wrk(port: int, load: Load, concurrency: int, seconds: float) -> Row:
    command = wrk_command(port, load, concurrency, seconds)
    done = subprocess.run(command, env={**os.environ, **load.env()}, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed for {load.name}: {done.stderr or done.stdout}")
    return wrk_row(load, concurrency, done.stdout)


def run_together(port: int, runs: list[tuple[Load, int]], seconds: float) -> list[Row]:
    """Several wrk processes at once (the login storm and /health beside it)."""
    processes = [
        subprocess.Popen(
            wrk_command(port, load, concurrency, seconds),
            env={**os.environ, **load.env()},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for load, concurrency in runs
    ]
    rows = []
    for (load, concurrency), process in zip(runs, processes, strict=True):
        out, err = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"wrk failed for {load.name}: {err or out}")
        rows.append(wrk_row(load, concurrency, out))
    return rows
