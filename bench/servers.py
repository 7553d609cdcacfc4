"""uvicorn processes on loopback ports (the service, the ceiling, the FastAPI peer) as production
runs them, and a PostgreSQL server for the runs on PostgreSQL."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bench.paths import BENCH_DIR, PEER_DIR, ROOT
from bench.revisions import Side, uvicorn_flags

if TYPE_CHECKING:
    from tests.support.dbservers import PostgresServer

JWT_SECRET = "bench-jwt-secret-" + "0123456789" * 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def service_env(data_dir: Path, extra: Mapping[str, str]) -> dict[str, str]:
    """The process environment, with SQLite in `data_dir`; every other setting at its default,
    but the login limits: every request of the bench comes from one address and one account, and
    the login case measures bcrypt, not the throttle (tests/api/test_security.py covers that)."""
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
    env.update(extra)
    return env


class Server:
    """A uvicorn process on a free loopback port."""

    def __init__(
        self, uvicorn: Path, app_args: list[str], cwd: Path, env: dict[str, str], log_path: Path
    ) -> None:
        self.port = free_port()
        self.command = [str(uvicorn), *app_args, "--host", "127.0.0.1", "--port", str(self.port)]
        self.cwd = cwd
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
                self.command, cwd=self.cwd, env=self.env, stdout=server_log, stderr=subprocess.STDOUT
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

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def tracebacks_since(self, offset: int) -> int:
        """Tracebacks the server logged after byte `offset` of its log: a request that failed
        after wrk stopped waiting for it is counted nowhere else."""
        if not self.log_path.exists():
            return 0
        with self.log_path.open("rb") as server_log:
            server_log.seek(offset)
            return server_log.read().count(b"Traceback (most recent call last)")

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


def service_server(
    side: Side, data_dir: Path, log_path: Path, database_url: str = "", workers: int = 1
) -> Server:
    """The side's app as production runs it, on SQLite in `data_dir` (or on `database_url`),
    with `workers` uvicorn workers."""
    env = {**service_env(data_dir, side.env), "DATABASE_URL": database_url}
    more = ["--workers", str(workers)] if workers > 1 else []
    return Server(side.uvicorn, ["router:app", *side.flags, *more], side.tree, env, log_path)


def peer_server(bin_dir: Path, data_dir: Path, log_path: Path) -> Server:
    """The FastAPI peer (bench/peer/app.py) on SQLite in `data_dir`, with the venv in `bin_dir`
    and the production flags that venv allows (uvloop and httptools: uvicorn[standard])."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("BENCH_")}
    env.update(PEER_DATABASE_URL=f"sqlite:///{data_dir / 'peer.db'}", PEER_SECRET_KEY=JWT_SECRET)
    args = ["--app-dir", str(PEER_DIR), "app:app", *uvicorn_flags(bin_dir / "python")]
    return Server(bin_dir / "uvicorn", args, data_dir, env, log_path)


def ceiling_server(side: Side, body: Path, log_path: Path) -> Server:
    """bench/ceiling.py serving `body`, with the side's venv and flags."""
    env = {**os.environ, "BENCH_CEILING_BODY": str(body)}
    args = ["--app-dir", str(BENCH_DIR), "ceiling:app", *side.flags]
    return Server(side.uvicorn, args, ROOT, env, log_path)


@contextmanager
def running(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def postgresql(work: Path) -> Iterator[PostgresServer]:
    """A PostgreSQL server of the test suite's kind (tests/support/dbservers.py: Debian's
    binaries, data in a temporary directory, a free port), started for the run; LookupError,
    saying why, where it is not installed (scripts/install-db-servers.sh installs it)."""
    from tests.support.dbservers import PostgresServer  # only runs on PostgreSQL import the tests' code

    available, reason = PostgresServer.available()
    if not available:
        raise LookupError(reason)
    server = PostgresServer(work / "postgres")
    server.start()
    try:
        yield server
    finally:
        server.close()
