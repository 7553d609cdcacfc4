"""Applying the migrations in this folder with peewee-migrate, one process at a time.

Several workers may start together; each takes a lock that the database (or, for SQLite, the
file system) holds across processes, then applies what is still pending. The second worker
finds nothing to do. A database that already has every migration is seen to have them with a
look at the history table, without the lock or peewee-migrate (whose import is part of a cold
start: bench/README.md).
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import peewee

if TYPE_CHECKING:
    from peewee_migrate import Router

MIGRATIONS_DIR = Path(__file__).resolve().parent
HISTORY_TABLE = "migratehistory"
LOCK_NAME = "todo_api_migrations"
LOCK_KEY = 72430117  # pg_advisory_lock takes a number
LOCK_TIMEOUT_SECONDS = 120

logger = logging.getLogger("todo_api.migrations")


def make_router(db: peewee.Database) -> Router:
    from peewee_migrate import Router

    return Router(db, migrate_dir=MIGRATIONS_DIR, migrate_table=HISTORY_TABLE, logger=logger)


def migration_names() -> list[str]:
    return sorted(path.stem for path in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.py"))


def upgrade(db: peewee.Database) -> list[str]:
    """Apply every pending migration; returns their names. SQLite is switched to WAL first."""
    with db.connection_context():
        if up_to_date(db):
            return []
        with migration_lock(db), foreign_keys_off(db):
            if isinstance(db, peewee.SqliteDatabase):
                db.execute_sql("PRAGMA journal_mode=wal")
            return make_router(db).run()


def up_to_date(db: peewee.Database) -> bool:
    """Every migration here is in the history (and SQLite is in WAL mode)."""
    if isinstance(db, peewee.SqliteDatabase):
        (mode,) = db.execute_sql("PRAGMA journal_mode").fetchone()
        if mode.lower() != "wal":
            return False
    return not pending(db)


def pending(db: peewee.Database) -> list[str]:
    """The migrations here that the history does not list. Read without the lock:
    peewee-migrate records a migration only once it has been applied."""
    if HISTORY_TABLE not in db.get_tables():
        return migration_names()
    applied = {name for (name,) in db.execute_sql(f"SELECT name FROM {HISTORY_TABLE}")}
    return [name for name in migration_names() if name not in applied]


def downgrade(db: peewee.Database, steps: int = 1) -> list[str]:
    """Roll back the last `steps` applied migrations; returns their names."""
    with db.connection_context(), migration_lock(db), foreign_keys_off(db):
        router = make_router(db)
        undone = []
        for _ in range(min(steps, len(router.done))):
            undone.append(router.done[-1])
            router.rollback()
            router = make_router(db)
        return undone


def status(db: peewee.Database) -> tuple[list[str], list[str]]:
    """(applied, pending) migration names."""
    with db.connection_context():
        router = make_router(db)
        return router.done, router.diff


@contextmanager
def foreign_keys_off(db: peewee.Database) -> Iterator[None]:
    """SQLite alters a column by copying the table and dropping the old one, and with foreign
    keys on, dropping `users` would cascade into `tasks`. Off while migrating (SQLite's own
    advice), then checked: a migration that leaves a dangling reference fails."""
    if not isinstance(db, peewee.SqliteDatabase):
        yield
        return
    db.execute_sql("PRAGMA foreign_keys=OFF")
    try:
        yield
        if violations := db.execute_sql("PRAGMA foreign_key_check").fetchall():
            raise RuntimeError(f"migrations left rows without their parent: {violations[:5]}")
    finally:
        db.execute_sql("PRAGMA foreign_keys=ON")


@contextmanager
def migration_lock(db: peewee.Database) -> Iterator[None]:
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql(f"SET lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'")
        db.execute_sql("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        db.execute_sql("SET lock_timeout = 0")
        try:
            yield
        finally:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    elif isinstance(db, peewee.MySQLDatabase):
        (acquired,) = db.execute_sql("SELECT GET_LOCK(%s, %s)", (LOCK_NAME, LOCK_TIMEOUT_SECONDS)).fetchone()
        if acquired != 1:
            raise TimeoutError(f"another process holds the migration lock {LOCK_NAME!r}")
        try:
            yield
        finally:
            db.execute_sql("SELECT RELEASE_LOCK(%s)", (LOCK_NAME,))
    else:
        with open(f"{db.database}.migrate-lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield
