"""`make bench`: the service under wrk, beside a bare Starlette ceiling, and its cold start.

1. Cold start: `uvicorn router:app` on a fresh DATA_DIR (migrations included), then on the
   database it left, seconds from spawning the process to the first 200 from /health
   (polled every 10 ms); the median of 7 runs each. The app's modules are compiled first,
   as the image compiles them.
2. The service as production runs it (one uvicorn worker, uvloop and httptools where
   available, SQLite in a temporary DATA_DIR, bcrypt at its default cost), seeded over HTTP,
   driven by wrk at each concurrency for every case; a login storm with /health measured
   beside it; the server's peak RSS (VmHWM) per case.
3. The ceiling (bench/ceiling.py) serving the service's own 20-task page as constant bytes,
   with the same flags, measured right before `list 20` at each concurrency; every
   requests/s figure is also given as a ratio to it.

Prints a Markdown report and writes it to bench/RESULTS.md (bench/README.md says more).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import importlib.metadata
import importlib.util
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
LUA_SCRIPT = BENCH_DIR / "lua" / "request.lua"
RESULTS_FILE = BENCH_DIR / "RESULTS.md"
UVICORN = Path(sys.executable).parent / "uvicorn"

CONCURRENCIES = (1, 16, 64)
PASSWORD = "bench-password-1"
JWT_SECRET = "bench-jwt-secret-" + "0123456789" * 4
SEARCH_QUERY = "status=pending&q=milk&priority=high&sort=-due_date&limit=20"
READER_TASKS = 1000
WRITER_TASKS = 200
STORM_LOGIN_CONCURRENCY = 16
STORM_HEALTH_CONCURRENCY = 4
COLD_START_RUNS = 7  # a shared VM can double one start; the median of 7 stays put
# The ceiling runs right before this case at each concurrency, so that the target's ratio
# compares two runs seconds apart (a shared VM's speed drifts over minutes).
CEILING_BESIDE = "list 20"
PACKAGES = ("starlette", "uvicorn", "uvloop", "httptools", "peewee", "pydantic", "PyJWT", "bcrypt")

# The targets, checked at the end.
TARGET_LIST_RATIO = 0.5
TARGET_P99_MS = 50.0
TARGET_RSS_MB = 80.0
TARGET_COLD_START_S = 0.6


# The app's own modules, compiled before the cold starts as the image compiles them at build
# (Dockerfile): where PYTHONDONTWRITEBYTECODE is set, they would be compiled at every start.
APP_CODE = ("handlers", "models", "migrations", "settings.py", "router.py")


def compile_app() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", *APP_CODE], cwd=ROOT, check=True)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- servers


def uvicorn_flags() -> list[str]:
    """The production flags (the image's, but the access log): uvloop and httptools when
    installed, proxy headers left to the app."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return ["--loop", loop, "--http", http, "--no-proxy-headers", "--no-access-log", "--log-level", "warning"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_env(data_dir: Path) -> dict[str, str]:
    """The process environment, with SQLite in `data_dir`; every other setting at its default,
    but the login limits: every request of the bench comes from one address and one account, and
    the login case measures bcrypt, not the throttle (tests/test_security.py covers that)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BENCH_")}
    env.update(
        DATA_DIR=str(data_dir),
        DATABASE_URL="",  # empty wins over a .env file: SQLite in DATA_DIR
        JWT_SECRET=JWT_SECRET,
        JWKS_URL="",
        BCRYPT_ROUNDS="",  # the default cost
        DB_POOL_SIZE="",
        AUTO_MIGRATE="true",
        LOG_LEVEL="warning",
        LOGIN_MAX_FAILURES="1000000",
        LOGIN_MAX_FAILURES_PER_CLIENT="1000000",
    )
    return env


class Server:
    """A uvicorn process on a free loopback port."""

    def __init__(self, app_args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.command = [
            str(UVICORN),
            *app_args,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *uvicorn_flags(),
        ]
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 60.0) -> float:
        """Spawn the process; returns the seconds until /health first answered 200."""
        with open(self.log_path, "ab") as server_log:
            started = time.perf_counter()
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=server_log, stderr=subprocess.STDOUT
            )
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log_tail()}")
            if health_status(self.port) == 200:
                return time.perf_counter() - started
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"no 200 from /health in {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])


def health_status(port: int) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


# ---------------------------------------------------------------- memory


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers when there are several)."""
    pids, index = [pid], 0
    while index < len(pids):
        for children in Path(f"/proc/{pids[index]}/task").glob("*/children"):
            with suppress(OSError):
                pids.extend(int(child) for child in children.read_text().split())
        index += 1
    return pids


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident set (VmHWM) of the process tree, in MB; None where /proc lacks it."""
    total_kb, found = 0, False
    for each in process_tree(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
                    found = True
        except OSError:
            pass
    return total_kb / 1024 if found else None


def cpu_seconds(pid: int) -> float:
    """CPU-seconds (user + system, all threads) the process tree has used so far."""
    total = 0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def reset_peak_rss(pid: int) -> bool:
    """Start a new VmHWM window (Linux: write 5 to clear_refs; needs owning the process)."""
    try:
        for each in process_tree(pid):
            Path(f"/proc/{each}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def machine_busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy since boot (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU-seconds of this process and its waited-for children (servers, wrk)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# ---------------------------------------------------------------- HTTP client for seeding


class Client:
    """A keep-alive JSON client for seeding and pre-flight checks."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(
        self, method: str, path: str, body: object = None, token: str | None = None, raw: str | None = None
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def json(self, method: str, path: str, body: object = None, token: str | None = None) -> object:
        status, data = self.call(method, path, body, token)
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path} -> {status}: {data[:300]!r}")
        return json.loads(data)


VERBS = ("Buy", "Call", "Email", "Fix", "Plan", "Read", "Review", "Write", "Clean", "Book")
OBJECTS = ("milk", "the report", "dentist", "bike", "budget", "slides", "garden", "tickets")
OBJECTS += ("invoice", "groceries", "car", "notes")
TAGS = ("home", "work", "errands", "health", "finance", "urgent", "later", "family")


def task_body(rng: random.Random, number: int) -> dict[str, object]:
    """A varied task: titles, descriptions, tags, priorities, due dates, ~40% completed."""
    body: dict[str, object] = {
        "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} #{number}",
        "priority": rng.choice(("low", "medium", "high")),
        "tags": rng.sample(TAGS, rng.randint(0, 3)),
        "completed": rng.random() < 0.4,
    }
    if rng.random() < 0.4:
        body["description"] = f"Remember the {rng.choice(OBJECTS)} before {rng.choice(VERBS).lower()}ing"
    if rng.random() < 0.5:
        due = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=rng.randint(0, 24 * 365))
        body["due_date"] = due.isoformat().replace("+00:00", "Z")
    return body


@dataclass
class Seeded:
    reader_token: str  # a user with READER_TASKS tasks: list, search, get
    writer_token: str  # a user with WRITER_TASKS tasks: create, patch, complete
    reader_email: str
    reader_ids: list[int]
    writer_ids: list[int]


def seed(port: int) -> Seeded:
    client, rng = Client(port), random.Random(42)
    tokens, ids = {}, {}
    for role, count in (("reader", READER_TASKS), ("writer", WRITER_TASKS)):
        signup = {"email": f"{role}@bench.example", "password": PASSWORD, "name": role}
        answer = client.json("POST", "/api/auth/signup", signup)
        assert isinstance(answer, dict)
        tokens[role] = answer["access_token"]
        ids[role] = []
        for number in range(count):
            task = client.json("POST", "/api/tasks", task_body(rng, number), tokens[role])
            assert isinstance(task, dict)
            ids[role].append(task["id"])
    return Seeded(tokens["reader"], tokens["writer"], "reader@bench.example", ids["reader"], ids["writer"])


# ---------------------------------------------------------------- wrk


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


CEILING_CASE = Case("ceiling (bare Starlette)", "GET", ("/api/tasks?limit=20",), warmup=True)


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
    port: int, pid: int | None, case: Case, concurrencies: tuple[int, ...], seconds: float, warmup: float
) -> list[Row]:
    preflight(port, case)
    if case.warmup and warmup > 0:
        run_wrk(port, case, 16, warmup)
    rows = []
    for concurrency in concurrencies:
        if pid is not None:
            reset_peak_rss(pid)
            cpu_before = cpu_seconds(pid)
        row = run_wrk(port, case, concurrency, seconds)
        if pid is not None:
            row.rss_mb = peak_rss_mb(pid)
            row.cpu_ms = (cpu_seconds(pid) - cpu_before) * 1000 / max(row.requests, 1)
        settle(port, case)
        log(
            f"  {case.name:<24} c={concurrency:<3} {row.rps:9.1f} req/s  p99 {row.p99_ms:8.2f} ms"
            f"  cpu {fmt(row.cpu_ms, 2)} ms/req"
        )
        rows.append(row)
    return rows


def service_cases(seeded: Seeded) -> list[Case]:
    reader, writer = seeded.reader_token, seeded.writer_token
    get_paths = tuple(f"/api/tasks/{task_id}" for task_id in seeded.reader_ids[::10])
    patch_paths = tuple(f"/api/tasks/{task_id}" for task_id in seeded.writer_ids)
    complete_paths = tuple(f"/api/tasks/{task_id}/complete" for task_id in seeded.writer_ids)
    new_task = {"title": "Bench task", "priority": "high", "tags": ["bench", "work"]}
    new_task["due_date"] = "2026-12-01T18:00:00Z"
    login = {"email": seeded.reader_email, "password": PASSWORD}
    return [
        Case("health", "GET", ("/health",)),
        Case("list 20", "GET", ("/api/tasks?limit=20",), reader, warmup=True),
        Case("list 20, not cached", "GET", ("/api/tasks?limit=20",), reader, unique=True),
        Case("list filter+search", "GET", (f"/api/tasks?{SEARCH_QUERY}",), reader, warmup=True),
        Case("get one", "GET", get_paths, reader),
        Case("create", "POST", ("/api/tasks",), writer, json.dumps(new_task)),
        Case("patch", "PATCH", patch_paths, writer, '{"description":"2 litres","priority":"low"}'),
        Case("complete (toggle)", "PATCH", complete_paths, writer),
        Case("login (bcrypt 12)", "POST", ("/api/auth/login",), None, json.dumps(login)),
    ]


# ---------------------------------------------------------------- the run


@dataclass
class Report:
    rows: list[Row]
    ceiling: list[Row]
    storm: list[Row]
    cold_fresh: list[float]
    cold_existing: list[float]
    peak_rss_mb: float | None
    seconds: float
    duration: float
    started: dt.datetime
    others_cpu: float  # CPU-seconds other processes on the machine used during the run


def measure_service(
    service: Server, ceiling: Server, seeded: Seeded, args: argparse.Namespace
) -> tuple[list[Row], list[Row]]:
    """Every case on the service; the ceiling at each concurrency right before CEILING_BESIDE."""
    rows: list[Row] = []
    ceiling_rows: list[Row] = []
    concurrencies = tuple(args.concurrency)
    for case in service_cases(seeded):
        if case.name != CEILING_BESIDE:
            rows += measure(service.port, service.pid, case, concurrencies, args.duration, args.warmup)
            continue
        for concurrency in concurrencies:
            ceiling_rows += measure(
                ceiling.port, ceiling.pid, CEILING_CASE, (concurrency,), args.duration, args.warmup
            )
            rows += measure(service.port, service.pid, case, (concurrency,), args.duration, args.warmup)
    return rows, ceiling_rows


@contextmanager
def running(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


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


def run(args: argparse.Namespace) -> Report:
    started_at = dt.datetime.now(dt.UTC)
    clock, busy, own = time.perf_counter(), machine_busy_seconds(), own_cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="todo-bench-") as tmp:
        work = Path(tmp)
        log("cold start ...")
        compile_app()
        cold_fresh, cold_existing = cold_starts(work)
        fresh, existing = statistics.median(cold_fresh), statistics.median(cold_existing)
        log(f"  fresh {fresh:.3f} s, existing {existing:.3f} s")

        service = Server(["router:app"], service_env(work / "service"), work / "service.log")
        with running(service):
            log("seeding ...")
            seeded = seed(service.port)
            page_body = Client(service.port).call("GET", "/api/tasks?limit=20", token=seeded.reader_token)[1]
            (work / "page.json").write_bytes(page_body)
            overall_peak = peak_rss_mb(service.pid)  # start-up and seeding
            ceiling_env = {**os.environ, "BENCH_CEILING_BODY": str(work / "page.json")}
            ceiling = Server(["--app-dir", str(BENCH_DIR), "ceiling:app"], ceiling_env, work / "ceiling.log")
            with running(ceiling):
                log("service, and the ceiling just before list 20 at each concurrency ...")
                rows, ceiling_rows = measure_service(service, ceiling, seeded, args)
            log("login storm ...")
            login_case = next(case for case in service_cases(seeded) if case.name.startswith("login"))
            reset_peak_rss(service.pid)
            storm = run_together(
                service.port,
                [
                    (
                        Case("storm: login", "POST", login_case.paths, None, login_case.body),
                        STORM_LOGIN_CONCURRENCY,
                    ),
                    (Case("storm: /health beside it", "GET", ("/health",)), STORM_HEALTH_CONCURRENCY),
                ],
                args.duration,
            )
            storm_rss = peak_rss_mb(service.pid)
            settle(service.port, login_case)
            for row in storm:
                row.rss_mb = storm_rss
            readings = [overall_peak, *(row.rss_mb for row in rows), storm_rss]
            known = [value for value in readings if value is not None]
            overall_peak = max(known) if known else None

    others_cpu = (machine_busy_seconds() - busy) - (own_cpu_seconds() - own)
    by_concurrency = {row.concurrency: row.rps for row in ceiling_rows}
    for row in [*rows, *ceiling_rows]:
        if by_concurrency.get(row.concurrency):
            row.ratio = row.rps / by_concurrency[row.concurrency]
    return Report(
        rows=rows,
        ceiling=ceiling_rows,
        storm=storm,
        cold_fresh=cold_fresh,
        cold_existing=cold_existing,
        peak_rss_mb=overall_peak,
        seconds=time.perf_counter() - clock,
        duration=args.duration,
        started=started_at,
        others_cpu=max(others_cpu, 0.0),
    )


# ---------------------------------------------------------------- the report


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0]
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return (
        f"{os.cpu_count()} vCPU {cpu}, {memory_kb / 1024**2:.0f} GiB RAM, Linux {platform.release()}; "
        f"Python {platform.python_version()}, {', '.join(versions)}; {wrk_version.strip()}"
    )


def revision() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| case | c | req/s | vs ceiling | p50 ms | p99 ms | non-2xx | socket errors | peak RSS MB "
        "| server CPU ms/req |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
        lines.append(
            f"| {row.case} | {row.concurrency} | {fmt(row.rps)} | {ratio} | {fmt(row.p50_ms, 2)} | "
            f"{fmt(row.p99_ms, 2)} | {row.non_2xx} | {row.socket_errors} | {fmt(row.rss_mb)} | "
            f"{fmt(row.cpu_ms, 2)} |"
        )
    return lines


def find(rows: list[Row], case: str, concurrency: int) -> Row | None:
    return next((r for r in rows if r.case == case and r.concurrency == concurrency), None)


def targets(report: Report) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each of the issue's targets."""
    checks: list[tuple[str, str, bool | None]] = []
    listing, ceiling = find(report.rows, CEILING_BESIDE, 64), find(report.ceiling, CEILING_CASE.name, 64)
    if listing and ceiling:
        ratio = listing.rps / ceiling.rps
        checks.append(
            (
                f"list 20 at c=64 >= {TARGET_LIST_RATIO:.0%} of the ceiling's req/s",
                f"{listing.rps:,.0f} / {ceiling.rps:,.0f} = {ratio:.0%}",
                ratio >= TARGET_LIST_RATIO,
            )
        )
        checks.append(
            (
                f"list 20 at c=64: p99 < {TARGET_P99_MS:.0f} ms",
                f"{listing.p99_ms:.1f} ms",
                listing.p99_ms < TARGET_P99_MS,
            )
        )
    if create := find(report.rows, "create", 64):
        errors = create.non_2xx + create.socket_errors
        checks.append(
            ("create at c=64: zero errors on SQLite", f"{errors} of {create.requests:,}", errors == 0)
        )
    health = next((row for row in report.storm if row.case.startswith("storm: /health")), None)
    if health:
        checks.append(
            (
                f"/health p99 < {TARGET_P99_MS:.0f} ms during a c={STORM_LOGIN_CONCURRENCY} login storm",
                f"{health.p99_ms:.1f} ms",
                health.p99_ms < TARGET_P99_MS,
            )
        )
    if report.peak_rss_mb is not None:
        checks.append(
            (
                f"peak RSS < {TARGET_RSS_MB:.0f} MB (one worker)",
                f"{report.peak_rss_mb:.1f} MB",
                report.peak_rss_mb < TARGET_RSS_MB,
            )
        )
    existing = statistics.median(report.cold_existing)
    checks.append(
        (
            f"cold start < {TARGET_COLD_START_S} s on an existing database",
            f"{existing:.3f} s",
            existing < TARGET_COLD_START_S,
        )
    )
    return checks


def markdown(report: Report) -> str:
    ran = report.started.strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Latest run: {ran}, app at `{revision()}`, {report.duration:g} s per wrk run, "
        f"whole run {report.seconds / 60:.1f} min.",
        "",
        f"Machine: {machine()}. The load generator (wrk, one thread) shares the machine with the server.",
        "",
        f"Other processes used {report.others_cpu:.0f} CPU-seconds during the run "
        f"({report.others_cpu / (report.seconds * (os.cpu_count() or 1)):.0%} of the machine's capacity): "
        "figures from a busy machine are low and noisy.",
        "",
        "Reproduce: `make bench` (or `bench/run.sh --duration 10`); bench/README.md says what it does.",
        "",
        "## Throughput and latency",
        "",
        "One uvicorn worker (`" + " ".join(uvicorn_flags()) + "`), SQLite in a temporary DATA_DIR. "
        f"`list 20` is `GET /api/tasks?limit=20` of a user with {READER_TASKS} tasks; `list filter+search` "
        f"is `GET /api/tasks?{SEARCH_QUERY}` over the same {READER_TASKS}; get, patch and complete "
        "rotate over existing tasks; create posts a task with two tags and a due date; login is bcrypt "
        "cost 12. `vs ceiling` is req/s over the bare Starlette app's at the same concurrency. "
        "`non-2xx` counts responses >= 400; socket errors are wrk's connect/read/write/timeout "
        "errors. Peak RSS is the server's VmHWM during that run. Server CPU ms/req is the CPU time "
        "(user + system, all threads) the server used during the run over the requests wrk completed: "
        "it varies less than req/s when something else loads the machine.",
        "",
        *table(report.rows),
        "",
        "### Ceiling: bare Starlette, the same 20-task JSON as constant bytes",
        "",
        *table(report.ceiling),
        "",
        f"### Login storm: login at c={STORM_LOGIN_CONCURRENCY} and /health at "
        f"c={STORM_HEALTH_CONCURRENCY}, at the same time",
        "",
        *table(report.storm),
        "",
        "## Cold start",
        "",
        f"Seconds from spawning `uvicorn router:app` to the first 200 from /health (polled every 10 ms), "
        f"median of {COLD_START_RUNS}.",
        "",
        "| database | median s | runs s |",
        "| --- | ---: | --- |",
        f"| fresh (migrations applied) | {statistics.median(report.cold_fresh):.3f} | "
        + ", ".join(f"{value:.3f}" for value in report.cold_fresh)
        + " |",
        f"| existing | {statistics.median(report.cold_existing):.3f} | "
        + ", ".join(f"{value:.3f}" for value in report.cold_existing)
        + " |",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
    ]
    for target, measured, met in targets(report):
        lines.append(f"| {target} | {measured} | {'yes' if met else 'NO'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=float(os.environ.get("BENCH_DURATION", 8)),
        help="seconds per wrk run (default 8, or $BENCH_DURATION)",
    )
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up for list and the ceiling")
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(CONCURRENCIES))
    parser.add_argument("--no-write", action="store_true", help="print the report, leave RESULTS.md alone")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        log("bench: wrk is not installed (Debian: apt-get install wrk; bench/run.sh does it as root)")
        return 2
    report = run(args)
    share = report.others_cpu / (report.seconds * (os.cpu_count() or 1))
    if share > 0.05:
        log(f"bench: other processes used {share:.0%} of the CPU during the run; the figures suffer")
    text = markdown(report)
    print(text)
    if not args.no_write:
        RESULTS_FILE.write_text(text)
        log(f"wrote {RESULTS_FILE.relative_to(ROOT)} ({report.seconds / 60:.1f} min)")
    missed = [target for target, _, met in targets(report) if met is False]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
