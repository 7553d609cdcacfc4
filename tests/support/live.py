"""The app as a real server process on a free port, and a small stdlib HTTP client for it.

`Server` is the one way the suite starts the app for real: `uvicorn router:app` by default, or
any command that serves it on `port` (the Dockerfile's CMD, `make run`'s uvicorn)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from settings import PROJECT_DIR, Settings
from tests.support.ports import HOST, free_port

STOP_TIMEOUT = 30.0


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


def call(
    method: str,
    url: str,
    body: Any = None,
    token: str | None = None,
    timeout: float = 30,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One request with an optional JSON body and bearer token; 4xx and 5xx are replies too.
    Header names come back in lower case, the body parsed as JSON (None when empty)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw, status, answered = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        raw, status, answered = error.read(), error.code, dict(error.headers)
    return Reply(status, {k.lower(): v for k, v in answered.items()}, json.loads(raw) if raw else None)


def uvicorn_command(port: int, workers: int) -> list[str]:
    """`uvicorn router:app` with the image's proxy flag: the app applies X-Forwarded-* itself."""
    command = [sys.executable, "-m", "uvicorn", "router:app", "--host", HOST, "--port", str(port)]
    return [*command, "--no-proxy-headers", *(["--workers", str(workers)] if workers > 1 else [])]


class Server:
    """The app in its own process, with the test process's environment minus DATABASE_URL and
    JWT_SECRET, then `env`; its output goes to a log in DATA_DIR. `start()` waits for /health.

    `command`, when given, replaces `uvicorn_command` and must serve on `port` by itself (so
    `workers` is then its business)."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int = 1,
        port: int | None = None,
        command: Sequence[str] | None = None,
    ) -> None:
        self.env = env
        self.port = port or free_port()
        self.command = list(command) if command else uvicorn_command(self.port, workers)
        self.base = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(env["DATA_DIR"]) / f"server-{self.port}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)

    @classmethod
    def sharing(cls, settings: Settings, **env: str) -> Server:
        """Another worker of the app a test runs on `settings`: the same database, secret, data
        directory and bcrypt cost, with `env` on top."""
        shared = {
            "DATA_DIR": str(settings.data_dir),
            "DATABASE_URL": settings.database.url,
            "JWT_SECRET": settings.jwt_secret,
            "BCRYPT_ROUNDS": str(settings.bcrypt_rounds),
        }
        return cls({**shared, **env})

    def start(self, timeout: float = 30) -> Server:
        env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "JWT_SECRET")}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=PROJECT_DIR, env={**env, **self.env}, stdout=log, stderr=subprocess.STDOUT
            )
        self.wait_for_health(self.process, timeout)
        return self

    def wait_for_health(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}:\n{self.output()}")
            try:
                if call("GET", f"{self.base}/health", timeout=1).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server did not answer /health in {timeout}s:\n{self.output()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Send `sig` and wait for the exit. A server still running after STOP_TIMEOUT is killed
        (no process outlives the test), and that is an error."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"server ignored signal {sig} for {STOP_TIMEOUT}s:\n{self.output()}") from None

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text()


def send(server: Server, token: str, method: str, path: str, body: Any = None) -> Any:
    """One request to a live server that must succeed (below 300); its body."""
    reply = call(method, f"{server.base}{path}", body, token)
    assert reply.status < 300, reply.body
    return reply.body


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """`server` started, then stopped; it must have logged no traceback meanwhile."""
    server.start()
    try:
        yield server
    finally:
        server.stop()
    assert "Traceback" not in server.output()
