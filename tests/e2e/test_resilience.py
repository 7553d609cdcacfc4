"""No lost writes: a PostgreSQL restart and outage, 2 workers with 50 concurrent writers on SQLite,
a server killed with SIGKILL in the middle of a write load, and concurrent edits of one task.
Real servers, real HTTP."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jwt
import pytest

from settings import Settings
from tests.support.accounts import signup
from tests.support.dbservers import DatabaseServer
from tests.support.live import Server, call
from tests.support.tokens import SECRET

pytestmark = pytest.mark.slow


def all_task_ids(base: str, token: str) -> set[int]:
    ids: set[int] = set()
    offset = 0
    while True:
        page = call("GET", f"{base}/api/tasks?limit=1000&offset={offset}&sort=created_at", None, token)
        assert page.status == 200, page.body
        ids.update(task["id"] for task in page.body)
        if len(page.body) < 1000:
            return ids
        offset += 1000


@pytest.fixture
def postgres(postgres_server: DatabaseServer) -> Iterator[tuple[DatabaseServer, str]]:
    url = postgres_server.create_database("resilience")
    yield postgres_server, url
    if not postgres_server.running:  # the test stopped it
        postgres_server.start()
    postgres_server.drop_database("resilience")


def test_postgres_restart_and_outage(postgres: tuple[DatabaseServer, str], tmp_path: Path) -> None:
    db_server, url = postgres
    env = {"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "DATABASE_URL": url, "DB_TIMEOUT_SECONDS": "3"}
    server = Server(env).start()
    try:
        token = signup(server, "load@example.com")["access_token"]
        for number in range(5):  # fill the pool with connections that the restart will end
            assert (
                call("POST", f"{server.base}/api/tasks", {"title": f"before {number}"}, token).status == 201
            )

        db_server.restart()
        after = [call("GET", f"{server.base}/api/tasks", None, token).status for _ in range(10)]
        assert after == [200] * 10, "requests failed after a PostgreSQL restart"

        db_server.stop()
        started = time.monotonic()
        down = call("POST", f"{server.base}/api/tasks", {"title": "while down"}, token)
        health = call("GET", f"{server.base}/health")
        assert time.monotonic() - started < 15, "a request hung while the database was down"
        assert down.status == 503
        assert down.body["code"] == "service_unavailable"
        assert health.status == 503
        assert health.body["status"] == "error"
        assert health.body["database"].startswith("unreachable")

        db_server.start()
        assert call("POST", f"{server.base}/api/tasks", {"title": "after"}, token).status == 201
        titles = [task["title"] for task in call("GET", f"{server.base}/api/tasks", None, token).body]
        assert "after" in titles and "while down" not in titles and len(titles) == 6
    finally:
        server.stop()
    assert "Traceback" not in server.output()


def test_two_workers_fifty_writers_on_sqlite(tmp_path: Path) -> None:
    server = Server({"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4"}, workers=2).start()
    try:
        token = signup(server, "load@example.com")["access_token"]

        def writer(client: int) -> list[int]:
            return [
                call("POST", f"{server.base}/api/tasks", {"title": f"client {client} task {n}"}, token).status
                for n in range(20)
            ]

        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = [status for result in pool.map(writer, range(50)) for status in result]
        listed = call("GET", f"{server.base}/api/tasks?limit=1000", None, token)
    finally:
        server.stop()
    assert statuses.count(201) == 1000, {status: statuses.count(status) for status in set(statuses)}
    assert listed.headers["x-total-count"] == "1000"
    assert len(listed.body) == 1000
    assert "database is locked" not in server.output()


def kill_during_writes(env: dict[str, str], tmp_path: Path) -> None:
    """Writers create tasks while the server is SIGKILLed; every 201 must survive the restart."""
    server = Server(env).start()
    token = signup(server, "crash@example.com")["access_token"]
    acknowledged: list[int] = []
    stop = threading.Event()

    def writer(client: int) -> None:
        number = 0
        while not stop.is_set():
            try:
                reply = call(
                    "POST", f"{server.base}/api/tasks", {"title": f"w{client}-{number}"}, token, timeout=5
                )
            except (OSError, http.client.HTTPException):  # refused, or cut off by the kill: not a 201
                continue
            if reply.status == 201:
                acknowledged.append(reply.body["id"])
            number += 1

    threads = [threading.Thread(target=writer, args=(client,)) for client in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join(10)
    assert len(acknowledged) >= 150, "the write load did not get going"

    restarted = Server(env, port=server.port).start()
    try:
        stored = all_task_ids(restarted.base, token)
    finally:
        restarted.stop()
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged tasks lost: {sorted(missing)[:10]}"


def test_sigkill_loses_no_acknowledged_write_on_sqlite(tmp_path: Path) -> None:
    kill_during_writes({"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4"}, tmp_path)


def test_sigkill_loses_no_acknowledged_write_on_postgres(
    postgres: tuple[DatabaseServer, str], tmp_path: Path
) -> None:
    _, url = postgres
    kill_during_writes({"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "DATABASE_URL": url}, tmp_path)


def test_concurrent_first_requests_of_an_external_subject(tmp_path: Path) -> None:
    """Many first requests at once with another issuer's token make one user row, no error."""
    server = Server({"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "JWT_SECRET": SECRET}).start()
    try:
        token = jwt.encode(
            {"sub": "ext-1", "exp": int(time.time()) + 600, "iss": "https://fe"}, SECRET, "HS256"
        )
        with ThreadPoolExecutor(max_workers=16) as pool:
            replies: list[Any] = list(
                pool.map(lambda _: call("GET", f"{server.base}/api/auth/me", None, token), range(32))
            )
    finally:
        server.stop()
    assert {reply.status for reply in replies} == {200}
    assert {reply.body["id"] for reply in replies} == {"ext-1"}


def test_concurrent_edits_of_one_task_lose_nothing(settings: Settings) -> None:
    """Concurrent toggles and edits of one task through a live server lose no update."""
    server = Server.sharing(settings).start()
    try:
        token = signup(server, "race@example.com")["access_token"]
        task = call("POST", f"{server.base}/api/tasks", {"title": "t", "tags": []}, token).body
        url = f"{server.base}/api/tasks/{task['id']}"
        with ThreadPoolExecutor(max_workers=8) as pool:
            toggles = list(
                pool.map(lambda _: call("PATCH", f"{url}/complete", None, token).status, range(20))
            )
            edits = list(
                pool.map(
                    lambda n: (
                        call(
                            "PATCH", url, {"description": "d"} if n % 2 else {"priority": "high"}, token
                        ).status
                    ),
                    range(2),
                )
            )
        final = call("GET", url, None, token).body
    finally:
        server.stop()
    assert set(toggles) == {200} and set(edits) == {200}
    assert final["completed"] is False  # 20 toggles: back where it started
    assert (final["description"], final["priority"]) == ("d", "high")
