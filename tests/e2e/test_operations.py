"""Operations: /livez and /readyz for probes, /metrics summed over two real worker processes,
and LOG_FORMAT=json with the request's id on every line logged while it is handled."""

from __future__ import annotations

import json
import os
import re
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from starlette.testclient import TestClient

from migrations import runner
from models import open_database
from router import create_app
from runtime.metrics import FLUSH_SECONDS
from settings import PROJECT_DIR, Settings
from tests.support.live import Server, call
from tests.support.ports import free_port
from tests.support.tokens import SECRET


def test_livez_answers_without_the_database(make_settings: Callable[..., Settings]) -> None:
    """Nothing listens at the database's address: the process is alive, not ready."""
    unreachable = f"postgresql://todo:secret@127.0.0.1:{free_port()}/todo"
    settings = make_settings(DATABASE_URL=unreachable, AUTO_MIGRATE="false", DB_TIMEOUT_SECONDS="1")
    with TestClient(create_app(settings)) as client:
        live = client.get("/livez")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "error"
        assert ready.json()["database"].startswith("unreachable: OperationalError")
        assert "secret" not in ready.text
        assert client.get("/health").status_code == 503


def test_readyz_waits_for_every_migration(settings: Settings, make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings(AUTO_MIGRATE="false"))) as client:
        pending = client.get("/readyz")
        assert pending.status_code == 503
        assert pending.json() == {
            "status": "error",
            "database": "ok",
            "migrations": "pending: " + ", ".join(runner.migration_names()),
        }
        db = open_database(settings.database, 1, 5)
        runner.upgrade(db)
        db.close_all()
        ready = client.get("/readyz")
        assert (ready.status_code, ready.json()) == (
            200,
            {"status": "ok", "database": "ok", "migrations": "ok"},
        )


def test_metrics_are_off_unless_asked_for(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404


def scrape(base: str) -> dict[str, float]:
    """One scrape: each sample line of the Prometheus text format as {"name{labels}": value}."""
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
        assert response.headers["content-type"].startswith("text/plain")
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


@pytest.mark.slow
def test_metrics_are_the_sum_of_both_workers(tmp_path: Path) -> None:
    env = {
        "DATA_DIR": str(tmp_path),
        "BCRYPT_ROUNDS": "4",
        "JWT_SECRET": SECRET,
        "METRICS": "true",
        "LOGIN_MAX_FAILURES": "1",
    }
    server = Server(env, workers=2).start()
    try:
        signup = call(
            "POST", f"{server.base}/api/auth/signup", {"email": "m@example.com", "password": "pw-12345"}
        )
        token = signup.body["access_token"]
        wrong = {"email": "m@example.com", "password": "not it"}
        assert [call("POST", f"{server.base}/api/auth/login", wrong).status for _ in range(3)] == [
            401,
            429,
            429,
        ]
        listed = 0
        # Each request on a new connection, until the kernel has given both workers some.
        while listed < 40 or (len(worker_files(server)) < 2 and listed < 2000):
            for _ in range(20):
                assert call("GET", f"{server.base}/api/tasks?limit=5", None, token).status == 200
            listed += 20
        assert len(worker_files(server)) == 2
        time.sleep(FLUSH_SECONDS + 0.5)  # each worker adds up its counts every FLUSH_SECONDS
        scrapes = [scrape(server.base) for _ in range(6)]  # answered by either worker
        requests = 'todo_api_requests_total{method="GET",route="/api/tasks",status="200"}'
        assert {samples[requests] for samples in scrapes} == {listed}
        for samples in scrapes:
            assert samples['todo_api_page_cache_total{result="miss"}'] >= 1
            assert (
                samples['todo_api_page_cache_total{result="hit"}']
                + samples['todo_api_page_cache_total{result="miss"}']
                == listed
            )
            assert samples["todo_api_login_throttled_total"] == 2
            assert (
                samples['todo_api_request_duration_seconds_count{method="GET",route="/api/tasks"}'] == listed
            )
            assert samples['todo_api_db_call_duration_seconds_count{kind="write"}'] >= 4
            assert samples['todo_api_db_pool_wait_seconds_count{kind="read"}'] >= 1
        assert not any("/api/tasks?" in name for name in scrapes[0])  # templates, not addresses
    finally:
        server.stop()


def worker_files(server: Server) -> set[str]:
    """The processes that have written counts, in the directory a server run keeps its values
    in when PROMETHEUS_MULTIPROC_DIR is not set."""
    assert server.process is not None
    (directory,) = Path("/tmp/todo-api-metrics").glob(f"{server.process.pid}-*")
    return {path.stem.split("_")[-1] for path in directory.glob("counter_*.db")}


@pytest.mark.slow
def test_json_logs_carry_the_request_id_on_every_line(tmp_path: Path) -> None:
    """A request whose token needs the key set, which cannot be fetched: the warning logged in
    the worker thread, and the access line, both carry the request's id."""
    env = {
        "DATA_DIR": str(tmp_path),
        "BCRYPT_ROUNDS": "4",
        "JWT_SECRET": SECRET,
        "LOG_FORMAT": "json",
        "JWKS_URL": f"http://127.0.0.1:{free_port()}/jwks",
    }
    server = Server(env).start()
    try:
        key = ed25519.Ed25519PrivateKey.generate()
        token = jwt.encode({"sub": "ba_1", "exp": 4102444800}, key, algorithm="EdDSA", headers={"kid": "k"})
        refused = call("GET", f"{server.base}/api/tasks", None, token, headers={"X-Request-ID": "req-jwks-1"})
        assert refused.status == 401
        signup = call(
            "POST",
            f"{server.base}/api/auth/signup",
            {"email": "j@example.com", "password": "pw-12345"},
            headers={"X-Request-ID": "req-signup-2"},
        )
        token = signup.body["access_token"]
        call(
            "POST", f"{server.base}/api/tasks", {"title": "logged"}, token, headers={"X-Request-ID": "req-3"}
        )
    finally:
        server.stop()
    lines = [line for line in server.output().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"]) for entry in entries
    )
    jwks_warning = next(entry for entry in entries if "JWKS fetch" in entry["message"])
    assert jwks_warning["request_id"] == "req-jwks-1"
    access = [entry for entry in entries if entry["logger"] == "todo_api.access"]
    assert [
        (entry["request_id"], entry["method"], entry["route"], entry["status"]) for entry in access[-3:]
    ] == [
        ("req-jwks-1", "GET", "/api/tasks", 401),
        ("req-signup-2", "POST", "/api/auth/signup", 201),
        ("req-3", "POST", "/api/tasks", 201),
    ]
    assert access[-1]["user_id"] == signup.body["user"]["id"]
    assert access[-3]["user_id"] is None
    assert all(isinstance(entry["duration_ms"], float) for entry in access)
    assert not any(entry["logger"] == "uvicorn.access" for entry in entries)  # each request once
    assert any(entry["logger"] == "uvicorn.error" for entry in entries)  # uvicorn's own lines too


@pytest.mark.slow
def test_the_images_command_logs_json_from_every_process(tmp_path: Path) -> None:
    """The Dockerfile's CMD with LOG_FORMAT=json and two workers: uvicorn's supervisor, which
    never imports the app, writes JSON too (log-config.json)."""
    (line,) = [
        line for line in (PROJECT_DIR / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")
    ]
    port = free_port()
    env = {
        "DATA_DIR": str(tmp_path),
        "BCRYPT_ROUNDS": "4",
        "JWT_SECRET": SECRET,
        "LOG_FORMAT": "json",
        "WEB_CONCURRENCY": "2",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    server = Server(env, port=port, command=json.loads(line.removeprefix("CMD "))).start(timeout=60)
    try:
        assert call("GET", f"{server.base}/livez").status == 200
    finally:
        server.stop()
    entries = [json.loads(line) for line in server.output().splitlines() if line.strip()]
    messages = " ".join(entry["message"] for entry in entries)
    assert "Started parent process" in messages  # the supervisor's own line
    assert messages.count("Application startup complete") == 2  # each worker's
    assert any(entry.get("route") == "/livez" for entry in entries)
