"""The change feed, ETags and Idempotency-Key across real processes: two server processes on one
PostgreSQL database (as two replicas), and two uvicorn workers on one SQLite file.

A reader follows the feed while writers change tasks through both processes; afterwards the
reader's copy must be exactly the server's tasks. The same Idempotency-Key sent to both
processes at once makes one task, whatever the timing."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support.accounts import signup
from tests.support.dbservers import DatabaseServer
from tests.support.live import Reply, Server, call
from tests.support.tokens import SECRET

pytestmark = pytest.mark.slow

WRITERS = 4
OPERATIONS_PER_WRITER = 60


@pytest.fixture(params=["postgresql-two-replicas", "sqlite-two-workers"])
def servers(
    request: pytest.FixtureRequest, tmp_path: Path, database_server: Callable[[str], DatabaseServer]
) -> Iterator[list[Server]]:
    """Two ways into one database: two processes (PostgreSQL), or one server of two workers
    (SQLite), listed twice."""
    env = {"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "JWT_SECRET": SECRET}
    if request.param.startswith("postgresql"):
        postgres = database_server("postgresql")
        env["DATABASE_URL"] = postgres.create_database("sync_replicas")
        started = [Server(env).start(), Server(env).start()]
    else:
        started = [Server(env, workers=2).start()] * 2
    yield started
    for server in set(started):
        server.stop()
        assert "Traceback" not in server.output()
    if request.param.startswith("postgresql"):
        database_server("postgresql").drop_database("sync_replicas")


def write_load(servers: list[Server], token: str, seed: int) -> None:
    """Creates, edits, completions and deletions, each through either process."""
    rng = random.Random(seed)
    mine: list[int] = []
    for number in range(OPERATIONS_PER_WRITER):
        base = rng.choice(servers).base
        if not mine or rng.random() < 0.35:
            created = call("POST", f"{base}/api/tasks", {"title": f"w{seed}-{number}"}, token)
            assert created.status == 201, created.body
            mine.append(created.body["id"])
            continue
        task_id = rng.choice(mine)
        kind = rng.random()
        if kind < 0.5:
            answer = call("PATCH", f"{base}/api/tasks/{task_id}", {"description": f"edit {number}"}, token)
        elif kind < 0.8:
            answer = call("PATCH", f"{base}/api/tasks/{task_id}/complete", None, token)
        else:
            answer = call("DELETE", f"{base}/api/tasks/{task_id}", None, token)
            mine.remove(task_id)
        assert answer.status in (200, 204), answer.body


class Follower:
    """A client keeping a copy of the tasks and lists from the change feed alone."""

    def __init__(self, servers: list[Server], token: str) -> None:
        self.servers, self.token = servers, token
        self.held: dict[str, dict[int, dict[str, Any]]] = {"task": {}, "list": {}}  # by kind, by id
        self.cursor: str | None = None
        self.polls = 0
        self.more = True

    def poll(self) -> None:
        """One request of the feed, from either process, applied in order."""
        base = self.servers[self.polls % len(self.servers)].base
        self.polls += 1
        query = f"?limit=7&since={self.cursor}" if self.cursor else "?limit=7"
        answer = call("GET", f"{base}/api/changes{query}", None, self.token)
        assert answer.status == 200, answer.body
        for change in answer.body["changes"]:
            held = self.held[change["kind"]]
            if change["op"] == "delete":
                held.pop(change["id"], None)
            else:
                held[change["id"]] = without_url(change[change["kind"]])
        self.cursor = answer.body["cursor"]
        self.more = answer.body["has_more"]

    def catch_up(self) -> None:
        self.poll()
        while self.more:
            self.poll()


def without_url(entity: dict[str, Any]) -> dict[str, Any]:
    """A task or list as either process shows it (its `url` names the address it was asked at)."""
    return {key: value for key, value in entity.items() if key != "url"}


def test_a_feed_follower_ends_with_exactly_the_servers_tasks(servers: list[Server]) -> None:
    token = signup(servers[0], "sync@example.com")["access_token"]
    follower = Follower(servers, token)
    writers = [threading.Thread(target=write_load, args=(servers, token, seed)) for seed in range(WRITERS)]
    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        follower.poll()  # meanwhile: what it holds may lag, never be wrong once caught up
    for writer in writers:
        writer.join()
    follower.catch_up()
    listed = call("GET", f"{servers[1].base}/api/tasks?limit=1000", None, token)
    assert follower.held["task"] == {task["id"]: without_url(task) for task in listed.body}
    assert len(follower.held["task"]) > 10 and follower.polls > 20
    # The Inbox's counts too, kept by every writer on both processes.
    (inbox,) = call("GET", f"{servers[0].base}/api/lists", None, token).body
    assert follower.held["list"] == {inbox["id"]: without_url(inbox)}
    assert (inbox["task_count"], inbox["open_count"]) == (
        len(listed.body),
        sum(1 for task in listed.body if not task["completed"]),
    )
    # Nothing more to hear, and both processes give the list the same ETag (asked for at one
    # address, as a load balancer in front of them would: a task's url is part of the page).
    follower.poll()
    assert follower.more is False
    same_host = {"Host": "todo.example.com"}
    lists = [call("GET", f"{server.base}/api/tasks", None, token, headers=same_host) for server in servers]
    assert lists[0].body == lists[1].body
    assert lists[0].headers["etag"] == lists[1].headers["etag"]


def race(servers: list[Server], token: str, key: str, title: str) -> list[Reply]:
    """The same keyed create sent to both processes at the same moment."""
    barrier = threading.Barrier(2)

    def send(server: Server) -> Reply:
        barrier.wait()
        body = {"title": title}
        return call("POST", f"{server.base}/api/tasks", body, token, headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(send, servers))


def test_one_key_sent_to_both_processes_at_once_makes_one_task(servers: list[Server]) -> None:
    token = signup(servers[0], "keys@example.com")["access_token"]
    for attempt in range(12):
        answers = race(servers, token, f"same-{attempt}", f"once {attempt}")
        fresh = [
            answer
            for answer in answers
            if "idempotent-replayed" not in answer.headers and answer.status == 201
        ]
        assert len(fresh) == 1, [(answer.status, answer.headers, answer.body) for answer in answers]
        (other,) = [answer for answer in answers if answer is not fresh[0]]
        assert (other.status, other.headers.get("idempotent-replayed")) in ((201, "true"), (409, None))
        if other.status == 201:
            assert other.body == fresh[0].body
        else:
            assert other.headers["retry-after"] == "1"
    titles = [task["title"] for task in call("GET", f"{servers[0].base}/api/tasks", None, token).body]
    assert sorted(titles) == sorted(f"once {attempt}" for attempt in range(12))
