"""The reads that run on the event loop itself, with no hop to a database thread: point reads
(a few rows by key) on SQLite.

A request's point reads (the caller's user row, one task and its tags, a personal token's
row) cost the database a few microseconds each; the hop to a thread and back, and the pool's
connection and transaction, would be most of the request's work (bench/README.md, "Where the
time goes"). On SQLite in WAL mode a reader never waits for a writer and a row by key is read
without I/O waits, so here they are read on the loop, on a connection of its own that has no
busy timeout: whatever would make it wait (a commit on a database not in WAL mode, a recovery)
fails at once, and the caller goes the usual way through a thread (runtime/calls.py). So does
work that needs what this connection does not give: a write (the first request of a user
known only from another issuer's token), or a query of the models' own (only statements,
models/statements.py, run here). PostgreSQL and MySQL are a network round trip away: nothing
of theirs is read on the loop.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from typing import NamedTuple, TypeVar

import peewee

from domain.unit_of_work import WriteNeeded, writing
from models import User
from models.base import loop_database
from models.database import is_sqlite

T = TypeVar("T")
# What sends a point read from the loop to a thread: the file busy, the work asking to write,
# or asking for the pool's connection (which the loop's thread never holds).
NOT_HERE = (peewee.OperationalError, peewee.InterfaceError, WriteNeeded)

MAX_USERS_KEPT = 1024  # rows of distinct users read between two commits; then it starts again

logger = logging.getLogger("todo_api.db")


class UserState(NamedTuple):
    """What a request needs of the user row to answer from the page cache."""

    id: str
    created_at: dt.datetime
    token_version: int
    tasks_version: int


class LoopReader:
    def __init__(self, path: str) -> None:
        # check_same_thread off only so that tests may build it in one thread and use it in the
        # loop's; the service uses it from the loop's thread alone.
        self.db = peewee.SqliteDatabase(
            path,
            timeout=0,
            check_same_thread=False,
            thread_safe=False,  # one connection, the loop's, whichever thread built it
            pragmas={"query_only": 1},
        )
        self.connection: sqlite3.Connection = self.db.connection()
        query = User.select(User.created_at, User.token_version, User.tasks_version).where(User.id == "")
        self.user_sql = query.sql()[0]  # peewee's SQL for the model, run with each caller's id
        # The user rows read while the database's data_version was `seen_version`: any commit
        # by another connection (a worker, this process's writers) changes it, and this one
        # never writes. Emptied when it changes.
        self.users: dict[str, UserState] = {}
        self.seen_version: int | None = None

    def user_state(self, user_id: str) -> UserState | None:
        """The user's row, or None when there is none or it cannot be read without waiting.

        `fetchall` ends each statement, and with it the read transaction: a statement left open
        would keep this connection on an old snapshot.
        """
        try:
            version = self.connection.execute("PRAGMA data_version").fetchall()[0][0]
            if version != self.seen_version or len(self.users) >= MAX_USERS_KEPT:
                self.users.clear()
                self.seen_version = version
            elif (kept := self.users.get(user_id)) is not None:
                return kept
            rows = self.connection.execute(self.user_sql, (user_id,)).fetchall()
            if not rows:
                return None
            created_at, token_version, tasks_version = rows[0]
            state = UserState(user_id, dt.datetime.fromisoformat(created_at), token_version, tasks_version)
        except (sqlite3.Error, TypeError, ValueError) as exc:
            logger.debug("user row not read on the loop: %s", exc)
            return None
        self.users[user_id] = state
        return state

    def run(self, work: Callable[[], T]) -> T:
        """`work()` in one read transaction on this connection (one snapshot for all its reads);
        raises one of NOT_HERE when it must run in a database thread instead."""
        binding, reading = loop_database.set(self.db), writing.set(False)
        try:
            with self.db.atomic():
                return work()
        finally:
            writing.reset(reading)
            loop_database.reset(binding)

    def close(self) -> None:
        self.db.close()


def open_loop_reader(db: peewee.Database) -> LoopReader | None:
    """A reader for SQLite (not in memory); None for every other database."""
    if not is_sqlite(db) or db.database in ("", ":memory:") or db.database.startswith("file:"):
        return None
    return LoopReader(db.database)
