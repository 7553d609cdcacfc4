"""One wrk run: its command line, its environment for bench/lua/request.lua, its parsed result."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass

from bench.paths import LUA_DIR

LUA_SCRIPT = LUA_DIR / "request.lua"


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    paths: tuple[str, ...]
    token: str | None = None
    body: str | None = None
    warmup: bool = False
    unique: bool = False  # each request's address made new (`&n=...`): no page comes from the cache

    @property
    def env(self) -> dict[str, str]:
        return {
            "BENCH_METHOD": self.method,
            "BENCH_PATHS": " ".join(self.paths),
            "BENCH_TOKEN": self.token or "",
            "BENCH_BODY": self.body or "",
            "BENCH_UNIQUE": "1" if self.unique else "",
        }


@dataclass
class Row:
    case: str
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    requests: int
    rss_mb: float | None = None
    ratio: float | None = None
    cpu_ms: float | None = None  # server CPU per request: robust to other load on the machine


def wrk_command(port: int, case: Case, concurrency: int, seconds: float) -> list[str]:
    return [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA_SCRIPT),
        f"http://127.0.0.1:{port}{case.paths[0]}",
    ]


def wrk_row(case: Case, concurrency: int, output: str) -> Row:
    line = next((line for line in output.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no BENCH_JSON line for {case.name}:\n{output}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Row(
        case=case.name,
        concurrency=concurrency,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        non_2xx=data["status"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        requests=data["requests"],
    )


def run_wrk(port: int, case: Case, concurrency: int, seconds: float) -> Row:
    command = wrk_command(port, case, concurrency, seconds)
    done = subprocess.run(command, env={**os.environ, **case.env}, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed for {case.name}: {done.stderr or done.stdout}")
    return wrk_row(case, concurrency, done.stdout)


def run_together(port: int, runs: list[tuple[Case, int]], seconds: float) -> list[Row]:
    """Several wrk processes at once (the login storm and /health beside it)."""
    processes = [
        subprocess.Popen(
            wrk_command(port, case, concurrency, seconds),
            env={**os.environ, **case.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for case, concurrency in runs
    ]
    rows = []
    for (case, concurrency), process in zip(runs, processes, strict=True):
        out, err = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"wrk failed for {case.name}: {err or out}")
        rows.append(wrk_row(case, concurrency, out))
    return rows
