"""`python -m migrations copy`: a Space's SQLite database, holding a row of every kind (users,
lists, subtasks, recurrence, reminders, tokens, webhooks and their deliveries, events,
tombstones...), copied by the real command into an empty, migrated database of each kind
(PostgreSQL and MariaDB servers, or another SQLite file); every row kept as it was, ids
included; then the service started on the target, where the copied users log in, read their
data and write on past every id the source gave, and scripts/smoke.sh walks the contract. A
target that is not empty or not migrated is refused and left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import peewee
import pytest
from starlette.testclient import TestClient

from migrations.copy import autoincrement, foreign_key_order
from models import MODELS, Event, Task, open_database
from router import create_app
from settings import PROJECT_DIR, Settings, load_settings, parse_database_url
from tests.support.accounts import PASSWORD, auth, signup
from tests.support.live import Server, call
from tests.support.oauth import PKCE, approve, authorization_query, connect
from tests.support.tokens import SECRET, signed_token

pytestmark = pytest.mark.slow

Headers = dict[str, str]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


@pytest.fixture
def source(tmp_path: Path) -> Settings:
    """A SQLite database as a Space has it after some use: a row in every table."""
    env = {
        "DATA_DIR": str(tmp_path / "space"),
        "BCRYPT_ROUNDS": "4",
        "JWT_SECRET": SECRET,
        "DATABASE_URL": "",
        "WEBHOOK_ALLOW_PRIVATE": "true",
    }
    settings = load_settings(env, env_file=tmp_path / "absent.env")
    with TestClient(create_app(settings)) as client:
        fill(client)
    return settings


def fill(client: TestClient) -> None:
    ann = auth(signup(client, name="Ann")["access_token"])
    bob = auth(signup(client, "bob@example.com")["access_token"])
    ok(
        client.request("DELETE", "/api/auth/me", json={"password": PASSWORD}, headers=bob), 204
    )  # deleted_users
    assert (
        client.post("/api/auth/login", json={"email": "ann@example.com", "password": "wrong!!!!"}).status_code
        == 401
    )
    outsider = auth(signed_token({"sub": "ext|carol", "email": "carol@example.com"}))  # a user from a JWT
    ok(client.post("/api/tasks", json={"title": "Carol's"}, headers=outsider), 201)
    work = ok(client.post("/api/lists", json={"name": "Work", "color": "blue"}, headers=ann), 201)
    gone = ok(client.post("/api/lists", json={"name": "Gone"}, headers=ann), 201)
    ok(client.delete(f"/api/lists/{gone['id']}", headers=ann), 204)  # a list's tombstone
    child = ok(
        client.post("/api/tasks", json={"title": "Older child", "list_id": work["id"]}, headers=ann), 201
    )
    parent = ok(
        client.post(
            "/api/tasks", json={"title": "Newer parent", "list_id": work["id"], "tags": ["x"]}, headers=ann
        ),
        201,
    )
    ok(
        client.post(f"/api/tasks/{child['id']}/move", json={"parent_id": parent["id"]}, headers=ann)
    )  # parent id > child's
    ok(client.post("/api/tasks", json={"title": "Grandchild", "parent_id": child["id"]}, headers=ann), 201)
    recurring = {
        "title": "Stand-up",
        "due_date": "2030-01-07T14:00:00Z",
        "recurrence": "FREQ=WEEKLY;BYDAY=MO",
        "reminders": [{"before": "PT15M"}],
    }
    standup = ok(client.post("/api/tasks", json=recurring, headers=ann), 201)
    ok(client.patch(f"/api/tasks/{standup['id']}/complete", headers=ann))  # its successor, armed
    keyed = {**ann, "Idempotency-Key": "k-1"}
    ok(client.post("/api/tasks", json={"title": "Keyed"}, headers=keyed), 201)  # idempotency_keys
    ok(client.post("/api/auth/tokens", json={"name": "script"}, headers=ann), 201)
    ok(client.post("/api/events/tickets", headers=ann), 201)
    hook = ok(client.post("/api/webhooks", json={"url": "http://127.0.0.1:9/hook"}, headers=ann), 201)
    ok(client.post("/api/tasks", json={"title": "Heard by the webhook"}, headers=ann), 201)
    deadline = time.monotonic() + 30
    while not ok(client.get(f"/api/webhooks/{hook['id']}/deliveries", headers=ann)):  # a failed attempt
        assert time.monotonic() < deadline, "the webhook was never attempted"
        time.sleep(0.2)
    for title in ("Deleted one", "Deleted last"):
        doomed = ok(client.post("/api/tasks", json={"title": title}, headers=ann), 201)
        ok(client.delete(f"/api/tasks/{doomed['id']}", headers=ann), 204)  # tombstones, departures
    connected = connect(client)  # an app connected by OAuth: its client, connection, tokens
    pending = PKCE.new()  # and a code it has not redeemed yet
    approve(client, authorization_query(connected["client_id"], pending), "ann@example.com")


def rows(db: peewee.Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, by primary key, as the models read them."""
    found = {}
    with db.connection_context():
        for model in foreign_key_order(MODELS):
            key = model._meta.primary_key
            order = (
                [model._meta.fields[name] for name in key.field_names]
                if isinstance(key, peewee.CompositeKey)
                else [key]
            )
            query = model.select(*model._meta.sorted_fields).order_by(*order).tuples().bind(db)
            found[model._meta.table_name] = list(query)
    return found


def migrations(*args: str, database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(data_dir), "JWT_SECRET": SECRET}
    return subprocess.run(
        [sys.executable, "-m", "migrations", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def target(database_kind: str, database_url: str, tmp_path: Path) -> str:
    """An empty database of the kind under test (for SQLite, another file)."""
    return f"sqlite:///{tmp_path / 'target' / 'todo.db'}" if database_kind == "sqlite" else database_url


def test_a_space_database_copied_keeps_every_row_and_serves(
    source: Settings, target: str, tmp_path: Path
) -> None:
    before = rows(open_database(source.database, 1, 5))
    assert all(before.values()), (
        f"a row of every kind: {[name for name, found in before.items() if not found]}"
    )
    data_dir = tmp_path / "target-data"

    refused = migrations(
        "copy", "--from", source.database.url, "--to", target, database_url="", data_dir=data_dir
    )
    assert refused.returncode == 1 and "has no migrations applied" in refused.stderr
    assert migrations("upgrade", database_url=target, data_dir=data_dir).returncode == 0
    copied = migrations(
        "copy", "--from", source.database.url, "--to", target, database_url="", data_dir=data_dir
    )
    assert copied.returncode == 0, copied.stderr
    assert "row counts match" in copied.stdout
    target_db = open_database(parse_database_url(target, data_dir), 1, 5)
    after = rows(target_db)
    assert after == before, "every row of every table, ids and all"

    again = migrations(
        "copy", "--from", source.database.url, "--to", target, database_url="", data_dir=data_dir
    )
    assert again.returncode == 1 and "not empty (table users has rows)" in again.stderr
    assert rows(target_db) == before

    old = {
        "task": max(
            [row[0] for row in before["tasks"]] + [row[1] for row in before["tombstones"] if row[0] == "task"]
        ),
        "list": max(
            [row[0] for row in before["lists"]] + [row[1] for row in before["tombstones"] if row[0] == "list"]
        ),
        "event": max(row[0] for row in before["events"]),
    }
    assert old["task"] > max(row[0] for row in before["tasks"]), "the last task given was deleted"
    with target_db.connection_context():
        if isinstance(target_db, peewee.SqliteDatabase) and not autoincrement(target_db, "tasks"):
            # SQLite's plain rowids follow the highest row, a deleted one's id included (the
            # change feed copes: domain/changes.py); AUTOINCREMENT tables never give one again.
            old["task"] = max(row[0] for row in after["tasks"])
            old["list"] = max(row[0] for row in after["lists"])
    server = Server(
        {"DATA_DIR": str(data_dir), "DATABASE_URL": target, "JWT_SECRET": SECRET, "BCRYPT_ROUNDS": "4"}
    )
    server.start()
    try:
        served(server, old)
    finally:
        server.stop()
    assert "Traceback" not in server.output()
    with target_db.connection_context():
        assert Event.select().where(Event.id > old["event"]).bind(target_db).exists(), "event ids go on"
        assert Task.select().where(Task.title == "Carol's").bind(target_db).count() == 1


def served(server: Server, old: dict[str, int]) -> None:
    """What the copied users find on the service started on the target."""
    login = call("POST", f"{server.base}/api/auth/login", {"email": "ann@example.com", "password": PASSWORD})
    assert login.status == 200, login.body
    token = login.body["access_token"]
    tasks = call("GET", f"{server.base}/api/tasks?limit=100", token=token).body
    titles = {task["title"] for task in tasks}
    assert {"Older child", "Newer parent", "Grandchild", "Stand-up", "Keyed"} <= titles
    assert "Deleted last" not in titles
    child = next(task for task in tasks if task["title"] == "Older child")
    parent = next(task for task in tasks if task["title"] == "Newer parent")
    assert child["parent_id"] == parent["id"] and parent["tags"] == ["x"]
    assert len([task for task in tasks if task["title"] == "Stand-up"]) == 2
    assert call("GET", f"{server.base}/api/reminders?before=2031-01-01T00:00:00Z", token=token).body
    assert [hook["url"] for hook in call("GET", f"{server.base}/api/webhooks", token=token).body] == [
        "http://127.0.0.1:9/hook"
    ]
    assert (
        call(
            "POST", f"{server.base}/api/auth/login", {"email": "bob@example.com", "password": PASSWORD}
        ).status
        == 401
    )
    new_task = call("POST", f"{server.base}/api/tasks", {"title": "After the move"}, token=token)
    assert new_task.status == 201 and new_task.body["id"] > old["task"], "ids go on past every one given"
    new_list = call("POST", f"{server.base}/api/lists", {"name": "Moved"}, token=token)
    assert new_list.status == 201 and new_list.body["id"] > old["list"]
    token_answer = call("POST", f"{server.base}/api/auth/tokens", {"name": "after"}, token=token)
    assert token_answer.status == 201
    assert call("GET", f"{server.base}/api/tasks", token=token_answer.body["token"]).status == 200
    smoke = subprocess.run(
        ["sh", str(PROJECT_DIR / "scripts" / "smoke.sh"), server.base],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
