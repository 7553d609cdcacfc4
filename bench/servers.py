"""uvicorn processes on loopback ports: the service and the ceiling, as production runs them."""

from __future__ import annotations

import http.client
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.paths import ROOT

UVICORN = Path(sys.executable).parent / "uvicorn"
JWT_SECRET = "bench-jwt-secret-" + "0123456789" * 4

# The app's own modules, compiled before the cold starts as the image compiles them at build
# (Dockerfile): where PYTHONDONTWRITEBYTECODE is set, they would be compiled at every start.
APP_CODE = ("handlers", "models", "migrations", "settings.py", "router.py")


def compile_app() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", *APP_CODE], cwd=ROOT, check=True)


def uvicorn_flags() -> list[str]:
    """The production flags (the image's, but the access log): uvloop and httptools when
    installed, proxy headers left to the app."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return ["--loop", loop, "--http", http, "--no-proxy-headers", "--no-access-log", "--log-level", "warning"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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


@contextmanager
def running(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()
