"""SQLite's writes committed together (runtime/group_commit.py): the writes waiting at once go
into one transaction, each in a savepoint of its own; each caller is answered once that
transaction committed, and one write that fails is undone alone. A point write alone runs on the
event loop's thread, and never waits there. The WAL they leave is copied
into the database file by a thread beside the writer (runtime/checkpoints.py)."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from domain.errors import Conflict, Unavailable
from domain.unit_of_work import require_thread, writing
from models import User, utc_now
from runtime import calls
from runtime.checkpoints import CHECKPOINT_EVERY
from runtime.services import Services
from settings import load_settings
from tests.support.services import migrated_services
from tests.support.tokens import SECRET

pytestmark = pytest.mark.anyio


def add_user(user_id: str) -> str:
    User.insert(id=user_id, email=f"{user_id}@example.com", created_at=utc_now()).execute()
    return user_id


def users() -> set[str]:
    return {user.id for user in User.select(User.id)}


async def test_writes_waiting_together_commit_together_and_a_failure_fails_alone(
    sqlite_services: Services,
) -> None:
    writer = sqlite_services.writer
    assert writer is not None
    gate, entered = threading.Event(), threading.Event()

    def held() -> str:  # keeps the writer's thread busy while the others queue up
        entered.set()
        gate.wait(10)
        return add_user("u_first")

    def refused() -> str:
        add_user("u_refused")
        raise Conflict("refused after writing")

    answers: dict[str, object] = {}

    async def write(name: str, work: object) -> None:
        try:
            answers[name] = await calls.run(sqlite_services, True, work)  # type: ignore[arg-type]
        except Conflict as error:
            answers[name] = error

    async with anyio.create_task_group() as group:
        group.start_soon(write, "first", held)
        await anyio.to_thread.run_sync(entered.wait, 10)
        for n in range(5):
            group.start_soon(write, f"w{n}", lambda n=n: add_user(f"u_{n}"))
        group.start_soon(write, "refused", refused)
        await anyio.sleep(0.2)  # all queued behind the first transaction
        gate.set()
    assert answers.pop("first") == "u_first"
    assert isinstance(answers.pop("refused"), Conflict)
    assert answers == {f"w{n}": f"u_{n}" for n in range(5)}
    with sqlite_services.db.connection_context():
        assert users() == {"u_first", *(f"u_{n}" for n in range(5))}  # not u_refused


@pytest.fixture
async def impatient(tmp_path: Path) -> AsyncIterator[Services]:
    """SQLite's services with a one-second busy timeout."""
    env = {"DATA_DIR": str(tmp_path), "JWT_SECRET": SECRET, "DB_TIMEOUT_SECONDS": "1"}
    for services in migrated_services(load_settings(env, env_file=tmp_path / "absent.env")):
        yield services


async def test_a_transaction_that_cannot_begin_fails_each_of_its_writes(impatient: Services) -> None:
    """When BEGIN or COMMIT fails (here: another process holds the write lock longer than the
    busy timeout), no write of the group is reported done, and none is in the database."""
    holder = sqlite3.connect(impatient.settings.database.sqlite_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Unavailable):
            await calls.run(impatient, True, add_user, "u_late")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with impatient.db.connection_context():
        assert "u_late" not in users()


async def test_a_lone_write_that_fails_leaves_nothing(sqlite_services: Services) -> None:
    def refused() -> str:
        add_user("u_alone")
        raise Conflict("refused after writing")

    with pytest.raises(Conflict):
        await calls.run(sqlite_services, True, refused)
    with sqlite_services.db.connection_context():
        assert "u_alone" not in users()


async def test_the_checkpoint_thread_copies_the_wal_into_the_database_file(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """The writer's commits stay in the WAL (SQLite's own checkpoint waits for 10,000 pages);
    every CHECKPOINT_EVERY of them, the checkpoint thread copies them into the database file."""
    path = sqlite_services.settings.database.sqlite_path

    def in_the_file_alone() -> set[str]:
        """The users a copy of the database file holds without its WAL."""
        copy = tmp_path / "file-alone.db"
        shutil.copyfile(path, copy)
        connection = sqlite3.connect(copy)
        try:
            return {row[0] for row in connection.execute("SELECT id FROM users")}
        except sqlite3.DatabaseError:  # copied while the checkpoint was writing it
            return set()
        finally:
            connection.close()

    written = {f"u_{n}" for n in range(CHECKPOINT_EVERY)}
    for user_id in sorted(written)[:-1]:
        await calls.run(sqlite_services, True, add_user, user_id)
    assert not written & in_the_file_alone()
    await calls.run(sqlite_services, True, add_user, sorted(written)[-1])
    for _ in range(200):  # polled for up to 10 s: the thread is not the test's to wait on
        if written <= in_the_file_alone():
            return
        await anyio.sleep(0.05)
    pytest.fail("the checkpoint thread did not copy the writes into the database file")


def add_user_noting_thread(user_id: str, threads: list[str]) -> str:
    threads.append(threading.current_thread().name)
    return add_user(user_id)


async def test_a_lone_point_write_runs_on_the_event_loops_thread(sqlite_services: Services) -> None:
    threads: list[str] = []
    assert await calls.point_write(sqlite_services, add_user_noting_thread, "u_here", threads) == "u_here"
    assert threads == [threading.current_thread().name]
    assert not writing.get()  # the write's context stayed its own
    with sqlite_services.db.connection_context():
        assert "u_here" in users()
        # the connection the write borrowed has its busy timeout back (the write turned it off)
        patience = sqlite_services.db.execute_sql("PRAGMA busy_timeout").fetchone()
        assert patience == (int(sqlite_services.settings.db_timeout_seconds * 1000),)


async def test_a_point_write_that_fails_on_the_loop_leaves_nothing(sqlite_services: Services) -> None:
    def refused() -> str:
        add_user("u_refused_here")
        raise Conflict("refused after writing")

    with pytest.raises(Conflict):
        await calls.point_write(sqlite_services, refused)
    with sqlite_services.db.connection_context():
        assert "u_refused_here" not in users()


async def test_work_that_needs_a_thread_leaves_the_loop_and_runs_again(sqlite_services: Services) -> None:
    """What it wrote on the loop is rolled back: the same user inserted again would clash."""
    threads: list[str] = []

    def searching() -> str:
        add_user_noting_thread("u_searched", threads)
        require_thread()
        return "found"

    assert await calls.point_write(sqlite_services, searching) == "found"
    assert threads == [threading.current_thread().name, "todo-api-writer"]
    with sqlite_services.db.connection_context():
        assert "u_searched" in users()


async def test_a_point_write_behind_another_goes_to_the_writers_thread(sqlite_services: Services) -> None:
    gate, entered = threading.Event(), threading.Event()
    threads: list[str] = []

    def held() -> str:
        entered.set()
        gate.wait(10)
        return add_user("u_held")

    async with anyio.create_task_group() as group:
        group.start_soon(calls.run, sqlite_services, True, held)
        await anyio.to_thread.run_sync(entered.wait, 10)
        group.start_soon(calls.point_write, sqlite_services, add_user_noting_thread, "u_behind", threads)
        await anyio.sleep(0.1)
        gate.set()
    assert threads == ["todo-api-writer"]
    with sqlite_services.db.connection_context():
        assert {"u_held", "u_behind"} <= users()


async def test_a_point_write_does_not_hold_the_loop_while_another_process_writes(
    sqlite_services: Services,
) -> None:
    """Another connection holds the write lock for a while: the point write waits for it on
    the writer's thread, and the event loop goes on meanwhile."""
    holder = sqlite3.connect(sqlite_services.settings.database.sqlite_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    threads: list[str] = []
    ticks: list[float] = []

    async def tick() -> None:
        for _ in range(20):
            ticks.append(time.monotonic())
            await anyio.sleep(0.01)
        holder.execute("COMMIT")

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(tick)
            await anyio.sleep(0.02)  # ticking before the write comes
            await calls.point_write(sqlite_services, add_user_noting_thread, "u_patient", threads)
    finally:
        holder.close()
    assert len(ticks) == 20
    assert max(later - earlier for earlier, later in itertools.pairwise(ticks)) < 1  # busy timeout: 5 s
    assert threads == ["todo-api-writer"]
    with sqlite_services.db.connection_context():
        assert "u_patient" in users()
