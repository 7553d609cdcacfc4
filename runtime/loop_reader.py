"""The one read that runs on the event loop itself, with no hop to a database thread: the
caller's user row, on SQLite.

Every authenticated request reads that row (a deleted account or a password change must take
effect at once, in every worker). For a list page served from the cache, the hop to a thread
and back and peewee building the query would be most of the request's work (bench/README.md).
On SQLite in WAL mode a reader never waits for a writer and one row by primary key is read
without I/O waits, so here it is read on the loop, on a connection of its own that has no busy
timeout: whatever would make it wait (a commit on a database not in WAL mode, a recovery) fails
at once, and the caller goes the usual way through a thread. PostgreSQL and MySQL are a network
round trip away: nothing of theirs is read on the loop.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from typing import NamedTuple

import peewee

from models import User
from models.database import is_sqlite

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
        self.connection = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
        self.connection.execute("PRAGMA query_only = 1")
        query = User.select(User.created_at, User.token_version, User.tasks_version).where(User.id == "")
        self.user_sql = query.sql()[0]  # peewee's SQL for the model, run with each caller's id

    def user_state(self, user_id: str) -> UserState | None:
        """The user's row, or None when there is none or it cannot be read without waiting.

        `fetchall` ends the statement, and with it the read transaction: a statement left open
        would keep this connection on an old snapshot.
        """
        try:
            rows = self.connection.execute(self.user_sql, (user_id,)).fetchall()
            if not rows:
                return None
            created_at, token_version, tasks_version = rows[0]
            return UserState(user_id, dt.datetime.fromisoformat(created_at), token_version, tasks_version)
        except (sqlite3.Error, TypeError, ValueError) as exc:
            logger.debug("user row not read on the loop: %s", exc)
            return None

    def close(self) -> None:
        self.connection.close()


def open_loop_reader(db: peewee.Database) -> LoopReader | None:
    """A reader for SQLite (not in memory); None for every other database."""
    if not is_sqlite(db) or db.database in ("", ":memory:") or db.database.startswith("file:"):
        return None
    return LoopReader(db.database)
