"""scripts/smoke.sh against a real local server: `uvicorn router:app` as `make run` starts it, and
the Dockerfile's own CMD run on this machine; then its failures (first failing step, response
shown, exit status) against a server that misbehaves on purpose."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live import Server
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "scripts" / "smoke.sh"
STEPS = 15


def server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The service's settings pinned over the process environment: a fresh SQLite database and a
    generated secret in a temporary DATA_DIR, fast bcrypt; whatever a `.env` file says is
    overridden (the real environment wins over it). This virtualenv's uvicorn comes first."""
    return {
        "DATA_DIR": str(tmp_path / "data"),
        "BCRYPT_ROUNDS": "4",
        "DATABASE_URL": "",
        "JWT_SECRET": "",
        "BETTER_AUTH_SECRET": "",
        "JWT_ISSUER": "",
        "JWT_AUDIENCE": "",
        "JWKS_URL": "",
        "AUTO_MIGRATE": "true",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **extra,
    }


def dockerfile_cmd() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    (line,) = [line for line in text.splitlines() if line.startswith("CMD ")]
    return json.loads(line.removeprefix("CMD "))


@pytest.fixture(params=["make-run", "dockerfile-cmd"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A real server on a free port, started as `make run` does or as the image's CMD does."""
    port = free_port()
    if request.param == "make-run":
        command = [
            str(Path(sys.executable).parent / "uvicorn"), "router:app",
            "--host", "127.0.0.1", "--port", str(port), "--no-proxy-headers", "--no-server-header",
        ]  # fmt: skip
        env = server_env(tmp_path)
    else:
        command = dockerfile_cmd()
        env = server_env(tmp_path, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1")
    server = Server(env, port=port, command=command).start(timeout=60)
    try:
        yield server.base
    finally:
        server.stop()


def run_smoke(base: str, shell: str = "sh", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [shell, str(SMOKE), base],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **env},
    )


@pytest.mark.slow
def test_smoke_script_passes_against_a_local_server(server: str) -> None:
    result = run_smoke(server)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == STEPS + 1, result.stdout
    assert all(line.startswith("ok ") for line in lines[:-1]), result.stdout
    assert lines[-1] == f"smoke: all {STEPS} steps passed against {server}"


@pytest.mark.slow
def test_smoke_script_accepts_a_trailing_slash(server: str) -> None:
    result = run_smoke(server + "/")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_smoke_script_needs_only_posix_tools(server: str, tmp_path: Path) -> None:
    """The script with BusyBox's sh, sed, awk, grep, tr, od... and curl: no GNU extensions."""
    busybox = shutil.which("busybox")
    if busybox is None:
        pytest.skip("busybox is not installed (apt-get install busybox) to check for GNU-only options")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for applet in ("sh", "sed", "awk", "grep", "tr", "od", "head", "date", "mktemp", "cp", "rm", "dd", "cat"):
        (bin_dir / applet).symlink_to(busybox)
    (bin_dir / "curl").symlink_to(shutil.which("curl") or "/usr/bin/curl")
    result = subprocess.run(
        [str(bin_dir / "sh"), str(SMOKE), server],
        capture_output=True,
        text=True,
        timeout=180,
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_smoke_script_is_posix_sh() -> None:
    assert subprocess.run(["sh", "-n", str(SMOKE)]).returncode == 0
    text = SMOKE.read_text()
    assert text.startswith("#!/bin/sh\n")
    for forbidden in ("jq", "python", "[[ ", "local ", "$RANDOM", "function "):
        assert forbidden not in text.split("set -u", 1)[1], forbidden
    shellcheck = shutil.which("shellcheck")
    if shellcheck:
        result = subprocess.run([shellcheck, "-s", "sh", str(SMOKE)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout


def test_smoke_script_usage() -> None:
    result = subprocess.run(["sh", str(SMOKE)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "usage" in result.stderr
    result = subprocess.run(["sh", str(SMOKE), "localhost:7860"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2


def test_smoke_script_fails_at_once_when_nothing_listens() -> None:
    result = run_smoke(f"http://127.0.0.1:{free_port()}", SMOKE_WAIT="0")
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL  1 HEAD /"), result.stdout
    assert "got 000" in result.stdout


class BrokenSignup(http.server.BaseHTTPRequestHandler):
    """Up and healthy, but sign-up answers 500."""

    def reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.reply(200, b"")

    def do_GET(self) -> None:
        self.reply(200, b'{"status":"ok","database":"ok","version":"test"}')

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.reply(500, b'{"detail":"Internal server error (request id abc)","code":"internal_error"}')

    def log_message(self, *args: object) -> None:
        pass


def test_smoke_script_stops_at_the_first_failure_and_shows_the_response() -> None:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BrokenSignup)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        result = run_smoke(f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok    1 HEAD /") and lines[1].startswith("ok    2 health")
    assert lines[2].startswith("FAIL  3 sign up smoke-") and "expected HTTP 201, got 500" in lines[2]
    assert "HTTP/1.0 500" in lines[3]
    assert '"code":"internal_error"' in lines[4]
    assert len(lines) == 5, "nothing runs after the first failure"
