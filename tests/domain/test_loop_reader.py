"""The user row read on the event loop (SQLite only): it is always the latest commit, it never
waits, and whenever it cannot be read there the request goes the usual way, with the same answer."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

import anyio
import anyio.to_thread
import pytest
from starlette.testclient import TestClient

from domain.unit_of_work import require_write
from models import User
from runtime.loop_reader import NOT_HERE, LoopReader
from runtime.services import Services
from settings import Settings
from tests.support.accounts import auth, signup


@pytest.mark.anyio
async def test_only_sqlite_is_read_on_the_loop(services: Services, database_kind: str) -> None:
    assert (services.loop_reader is not None) == (database_kind == "sqlite")


@pytest.mark.anyio
async def test_each_commit_is_seen_at_once(sqlite_services: Services) -> None:
    reader = sqlite_services.loop_reader
    assert reader is not None
    with sqlite_services.db.connection_context():  # the pool's connection, in this thread
        user = User.create(id="u_loop", email="loop@example.com")
        state = reader.user_state("u_loop")
        assert state is not None
        assert (state.id, state.token_version, state.tasks_version) == ("u_loop", 0, 0)
        # The same datetime the database thread reads: a page cached there is found here.
        assert state.created_at == User.get_by_id("u_loop").created_at == user.created_at
        assert not reader.connection.in_transaction  # no statement left open on an old snapshot
        for version in (1, 2):
            User.update(tasks_version=version, token_version=version).where(User.id == "u_loop").execute()
            assert reader.user_state("u_loop") == state._replace(tasks_version=version, token_version=version)
        User.delete_by_id("u_loop")
    assert reader.user_state("u_loop") is None
    assert reader.user_state("") is None


@pytest.mark.anyio
async def test_another_process_commit_is_seen_though_the_row_was_read_before(
    sqlite_services: Services,
) -> None:
    """A row read once is kept while nothing is committed (PRAGMA data_version): a commit made by
    another process, as another worker makes it, is seen by the next read all the same."""
    reader = sqlite_services.loop_reader
    assert reader is not None
    with sqlite_services.db.connection_context():
        User.create(id="u_other", email="other@example.com")
    before = reader.user_state("u_other")
    assert before is not None and reader.user_state("u_other") == before
    update = "UPDATE users SET tasks_version = tasks_version + 1 WHERE id = 'u_other'"
    script = f"import sqlite3; c = sqlite3.connect({reader.db.database!r}); c.execute({update!r}); c.commit()"
    await anyio.run_process([sys.executable, "-c", script])
    assert reader.user_state("u_other") == before._replace(tasks_version=before.tasks_version + 1)


@pytest.mark.anyio
async def test_a_locked_database_is_not_waited_for(sqlite_services: Services, tmp_path: Path) -> None:
    """A database in rollback-journal mode (not WAL) during another connection's write: the
    reader gives up at once instead of waiting (the models are bound by `sqlite_services`)."""
    path = tmp_path / "journal.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("CREATE TABLE users (id TEXT PRIMARY KEY, created_at TEXT, token_version, tasks_version)")
    holder.execute("INSERT INTO users VALUES ('u_locked', '2026-01-02 03:04:05.000006', 0, 0)")
    reader = LoopReader(str(path))
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE users SET tasks_version = 5")
        assert reader.user_state("u_locked") is None
        holder.execute("COMMIT")
        state = reader.user_state("u_locked")
        assert state is not None and state.tasks_version == 5
        assert state.created_at == dt.datetime(2026, 1, 2, 3, 4, 5, 6)
    finally:
        reader.close()
        holder.close()


def test_lists_are_right_when_the_loop_cannot_read(sqlite_settings: Settings) -> None:
    from router import create_app

    with TestClient(create_app(sqlite_settings)) as client:
        headers = auth(signup(client)["access_token"])
        client.post("/api/tasks", json={"title": "first"}, headers=headers)
        assert [task["title"] for task in client.get("/api/tasks", headers=headers).json()] == ["first"]
        client.app_state["services"].loop_reader.close()  # every read on the loop now fails
        client.post("/api/tasks", json={"title": "second"}, headers=headers)
        for _ in range(2):
            listed = client.get("/api/tasks?sort=created_at", headers=headers)
            assert listed.status_code == 200
            assert [task["title"] for task in listed.json()] == ["first", "second"]
        change = {"current_password": "correct horse battery", "new_password": "another good password"}
        assert client.post("/api/auth/password", json=change, headers=headers).status_code == 204
        assert client.get("/api/tasks?sort=created_at", headers=headers).status_code == 401


def test_a_point_read_runs_on_the_loop_and_sees_the_latest_commit(
    sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GET of a task, of a list and of the account, and a personal token's check, are answered
    with no database thread at all, each from the latest commit."""
    from router import create_app

    with TestClient(create_app(sqlite_settings)) as client:
        account = signup(client)
        headers = auth(account["access_token"])
        task = client.post("/api/tasks", json={"title": "first", "tags": ["a"]}, headers=headers).json()
        made = client.post("/api/auth/tokens", json={"name": "agent"}, headers=headers).json()
        agent = auth(made["token"])
        client.get("/api/tasks/1", headers=agent)  # its last use recorded (a write) once
        hops: list[object] = []
        real = anyio.to_thread.run_sync

        async def counted(*args: object, **kwargs: object) -> object:
            hops.append(args[0])
            return await real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
        got = client.get(f"/api/tasks/{task['id']}", headers=agent)
        assert got.status_code == 200 and got.json() == task
        assert client.get(f"/api/lists/{task['list_id']}", headers=headers).status_code == 200
        assert client.get("/api/auth/me", headers=headers).json() == account["user"]
        assert hops == []
        patched = client.patch(f"/api/tasks/{task['id']}", json={"tags": ["b"]}, headers=headers).json()
        assert client.get(f"/api/tasks/{task['id']}", headers=agent).json() == patched
        client.delete(f"/api/auth/tokens/{made['id']}", headers=headers)
        assert client.get(f"/api/tasks/{task['id']}", headers=agent).status_code == 401


@pytest.mark.anyio
async def test_a_point_read_that_cannot_run_on_the_loop_runs_in_a_thread(sqlite_services: Services) -> None:
    """Work asking to write, or for the models' own queries, is refused on the loop (NOT_HERE),
    so the caller runs it in a database thread."""
    reader = sqlite_services.loop_reader
    assert reader is not None

    def writes() -> None:
        require_write()

    def queries_a_model() -> object:
        return User.select().count()

    for work in (writes, queries_a_model):
        with pytest.raises(NOT_HERE):
            reader.run(work)
