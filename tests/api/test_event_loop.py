"""bcrypt, database calls and the search for a rule's next occurrence run in worker threads:
while one is stuck, other requests answer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import bcrypt
import pytest
from starlette.testclient import TestClient

from domain.recurrence import Rule
from handlers import list_lists
from tests.support.accounts import PASSWORD, auth, signup


def run_blocked(
    client: TestClient,
    gate: threading.Event,
    entered: threading.Event,
    send: Callable[[], Any],
    status: int = 200,
) -> None:
    """Start `send` in a thread, wait until it is stuck in the gate, check /health answers, release."""
    result: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: result.setdefault("response", send()))
    worker.start()
    try:
        assert entered.wait(10), "the slow call never started"
        health: dict[str, Any] = {}
        probe = threading.Thread(target=lambda: health.setdefault("response", client.get("/health")))
        probe.start()
        probe.join(10)
        assert not probe.is_alive(), "/health waited for the blocked call: it runs on the event loop"
        assert health["response"].status_code == 200
        assert worker.is_alive()
    finally:
        gate.set()
        worker.join(10)
    assert result["response"].status_code == status


def test_login_hashing_does_not_block_other_requests(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    signup(client)
    gate, entered = threading.Event(), threading.Event()
    real_checkpw = bcrypt.checkpw

    def slow_checkpw(password: bytes, hashed: bytes) -> bool:
        entered.set()
        gate.wait(10)
        return real_checkpw(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", slow_checkpw)
    run_blocked(
        client,
        gate,
        entered,
        lambda: client.post("/api/auth/login", json={"email": "ann@example.com", "password": PASSWORD}),
    )


def test_database_work_does_not_block_other_requests(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read of many rows (here: the lists) runs in a database thread. (A point read, a few
    rows by key, runs on the loop on SQLite, where it can never wait: tests/domain/test_loop_reader.py.)"""
    token = signup(client)["access_token"]
    gate, entered = threading.Event(), threading.Event()
    real_read_lists = list_lists.read_lists

    def slow_read_lists(principal: Any) -> Any:
        entered.set()
        gate.wait(10)
        return real_read_lists(principal)

    monkeypatch.setattr(list_lists, "read_lists", slow_read_lists)
    run_blocked(client, gate, entered, lambda: client.get("/api/lists", headers=auth(token)))


@pytest.mark.parametrize("route", ["create", "patch", "complete"])
def test_searching_for_occurrences_does_not_block_other_requests(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    """Whether a rule occurs after the due date is searched in the database call, and so is
    the next occurrence of one completed: never while the request is read, on the event loop."""
    headers = auth(signup(client)["access_token"])
    body = {"title": "Water the plants", "due_date": "2030-12-02T09:00:00Z", "recurrence": "FREQ=DAILY"}
    task = client.post("/api/tasks", json=body, headers=headers).json()
    gate, entered = threading.Event(), threading.Event()
    real_occurrences = Rule.occurrences

    def slow_occurrences(rule: Rule, *args: Any) -> Any:
        entered.set()
        gate.wait(10)
        return real_occurrences(rule, *args)

    monkeypatch.setattr(Rule, "occurrences", slow_occurrences)
    sends: dict[str, tuple[Callable[[], Any], int]] = {
        "create": (lambda: client.post("/api/tasks", json=body, headers=headers), 201),
        "patch": (
            lambda: client.patch(
                f"/api/tasks/{task['id']}", json={"recurrence": "FREQ=WEEKLY"}, headers=headers
            ),
            200,
        ),
        "complete": (lambda: client.patch(f"/api/tasks/{task['id']}/complete", headers=headers), 200),
    }
    send, status = sends[route]
    run_blocked(client, gate, entered, send, status)
