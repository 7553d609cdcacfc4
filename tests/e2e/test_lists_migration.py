"""The lists migration on a database the first contract's own code filled (its commit, served
for real), on every database: afterwards every task is in its owner's Inbox, ordered as its
`order` said, and a client of the first contract reads exactly what it read before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from settings import Settings
from tests.support.live import Server, call
from tests.support.releases import export, serving

# The last commit of the first contract: its code, as its users ran it.
FIRST_CONTRACT = "a337ff6d3cb36e0436ff8c7409659efb39ade73a"
READS = (
    "/api/tasks",
    "/api/tasks?sort=order",
    "/api/tasks?sort=title&status=pending",
    "/api/tasks?completed=true",
    "/api/tasks?tag=home&sort=-due_date",
    "/api/tasks?limit=2&offset=1",
)


@pytest.fixture(scope="module")
def first_contract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first contract's files, from git."""
    return export(FIRST_CONTRACT, tmp_path_factory.mktemp("first-contract"))


@pytest.fixture
def running(settings: Settings) -> Iterator[list[Server]]:
    servers: list[Server] = []
    yield servers
    for server in servers:
        server.stop()


def fill(base: str) -> dict[str, str]:
    """Two users' tasks through the first contract's API; each user's token."""
    tokens = {}
    for email in ("ann@example.com", "bob@example.com"):
        answer = call("POST", f"{base}/api/auth/signup", {"email": email, "password": "correct horse"})
        assert answer.status == 201, answer.body
        tokens[email] = answer.body["access_token"]
    bodies = [
        {"title": "Buy milk", "tags": ["home"], "order": 3},
        {"title": "file taxes", "priority": "high", "due_date": "2026-12-24T09:00:00Z", "order": 1},
        {"title": "Call mum", "description": "Sunday", "tags": ["home", "family"]},
        {
            "title": "Apples",
            "completed": True,
            "order": 2,
            "due_date": "2026-12-01T10:00:00Z",
            "tags": ["home"],
        },
        {"title": "zzz", "priority": "low"},
    ]
    for token in tokens.values():
        for body in bodies:
            assert call("POST", f"{base}/api/tasks", body, token).status == 201
    ann = tokens["ann@example.com"]
    first = call("GET", f"{base}/api/tasks?sort=order", token=ann).body[0]
    assert call("PATCH", f"{base}/api/tasks/{first['id']}/complete", token=ann).status == 200
    return tokens


def reads(base: str, token: str) -> list[Any]:
    """What a first-contract client reads: each list (body and total) and each task, with the
    tasks' `url` relative to `base` (the servers before and after listen on different ports)."""
    answers: list[Any] = []
    for path in READS:
        answer = call("GET", f"{base}{path}", token=token)
        tasks = [relative(task, base) for task in answer.body]
        answers.append((path, answer.status, answer.headers.get("x-total-count"), tasks))
    for task in call("GET", f"{base}/api/tasks", token=token).body:
        answers.append(relative(call("GET", f"{base}/api/tasks/{task['id']}", token=token).body, base))
    return answers


def relative(task: dict[str, Any], base: str) -> dict[str, Any]:
    return {**task, "url": task["url"].removeprefix(base)}


def as_first_contract(read: Any, fields: set[str]) -> Any:
    """A read of the new service with only the fields the first contract had."""
    if isinstance(read, tuple):
        path, status, total, body = read
        return path, status, total, [as_first_contract(task, fields) for task in body]
    return {name: value for name, value in read.items() if name in fields}


def test_every_task_goes_to_its_owners_inbox_and_old_clients_see_no_change(
    settings: Settings, first_contract: Path, running: list[Server]
) -> None:
    old = serving(settings, first_contract).start()
    running.append(old)
    tokens = fill(old.base)
    before = {email: reads(old.base, token) for email, token in tokens.items()}
    old.stop()
    new = serving(settings).start()  # migrates 006 to 008 on start
    running.append(new)
    fields = set(before["ann@example.com"][-1])
    for email, token in tokens.items():  # the first contract's tokens still work
        after = reads(new.base, token)
        assert [as_first_contract(read, fields) for read in after] == before[email]
        lists = call("GET", f"{new.base}/api/lists", token=token).body
        open_tasks = sum(1 for task in before[email][0][3] if not task["completed"])
        assert [
            (item["name"], item["is_default"], item["task_count"], item["open_count"]) for item in lists
        ] == [("Inbox", True, 5, open_tasks)]
        tasks = call("GET", f"{new.base}/api/tasks?sort=position", token=token).body
        assert {task["list_id"] for task in tasks} == {lists[0]["id"]}
        assert {task["parent_id"] for task in tasks} == {None}
        assert {task["version"] for task in tasks} == {1}  # the migration changed no task
        by_order = [task["title"] for task in tasks]  # `order` first, then the oldest first
        assert by_order == ["file taxes", "Apples", "Buy milk", "Call mum", "zzz"]
    ann = tokens["ann@example.com"]
    created = call("POST", f"{new.base}/api/tasks", {"title": "after the upgrade"}, ann).body
    last = call("GET", f"{new.base}/api/tasks?sort=-position&limit=1", token=ann).body
    assert last[0]["id"] == created["id"]
