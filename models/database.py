"""Opening the configured database: SQLite, PostgreSQL or MySQL, always through a pool.

Each request borrows one connection and gives it back when it ends. SQLite gets a busy timeout,
foreign keys and `synchronous=NORMAL` on every connection, and WAL once (migrations/runner.py);
writes on SQLite begin `IMMEDIATE` so two writers queue on the busy timeout instead of failing
with "database is locked".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import peewee
from playhouse.db_url import parse
from playhouse.pool import PooledDatabase, PooledMySQLDatabase, PooledSqliteDatabase

from settings import DatabaseURL

# Column types per dialect where peewee's default does not fit. Microseconds on MySQL too (plain
# DATETIME drops them), so timestamps read back as written; MEDIUMTEXT (models.changes.BodyField)
# is MySQL's, plain TEXT elsewhere.
FIELD_TYPES = {
    "sqlite": {"MEDIUMTEXT": "TEXT"},
    "postgresql": {"MEDIUMTEXT": "TEXT"},
    "mysql": {"DATETIME": "DATETIME(6)"},
}
# WAL pages past which a commit on SQLite copies the WAL back into the database file itself
# (SQLite's default is 1,000). The app's checkpoint thread does it beside the writes
# (runtime/checkpoints.py); this bounds the WAL (about 40 MB) where that thread is not running
# or cannot keep up.
AUTOCHECKPOINT_PAGES = 10_000


def open_database(database: DatabaseURL, pool_size: int, timeout: float) -> peewee.Database:
    """A pooled peewee database for `database`, not yet connected.

    `pool_size` is the number of database threads. On SQLite three more hold a connection at
    times: the writer's thread and the event loop's for a write (runtime/group_commit.py), and
    the checkpoints' thread (runtime/checkpoints.py). None of them waits on the pool for another.
    """
    writer = 3 if database.dialect == "sqlite" else 0
    # A user or password with `@`, `:` or `/` arrives percent-escaped (as any URL encoder writes it).
    credentials = parse(database.url, unquote_user=True, unquote_password=True)
    options: dict[str, object] = {**credentials, "max_connections": pool_size + writer}
    options["stale_timeout"] = 300
    # No connection opens by itself: a query outside `connection_context()` (a database call)
    # fails at once instead of opening a connection on whatever thread it runs in.
    options["autoconnect"] = False
    if database.dialect == "sqlite":
        database.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        pragmas = {
            "foreign_keys": 1,
            "synchronous": "normal",
            "busy_timeout": int(timeout * 1000),
            "wal_autocheckpoint": AUTOCHECKPOINT_PAGES,
        }
        return PooledSqliteDatabase(
            **options,
            pragmas=pragmas,
            timeout=timeout,
            check_same_thread=False,
            field_types=FIELD_TYPES["sqlite"],
        )
    if database.dialect == "postgresql":
        # Only a PostgreSQL process imports psycopg2 (runtime/imports.py leaves it out of others).
        from models.postgres import CheckedPooledPostgresqlDatabase

        return CheckedPooledPostgresqlDatabase(  # type: ignore[no-untyped-call]  # playhouse.pool has no types
            **options, timeout=timeout, connect_timeout=int(timeout), field_types=FIELD_TYPES["postgresql"]
        )
    if "passwd" in options:  # playhouse spells it the old way; PyMySQL now wants `password`
        options["password"] = options.pop("passwd")
    return PooledMySQLDatabase(
        **options,
        timeout=timeout,
        connect_timeout=timeout,
        read_timeout=30,
        write_timeout=30,
        charset="utf8mb4",
        field_types=FIELD_TYPES["mysql"],
        # As PostgreSQL: each statement sees what was committed before it (REPEATABLE READ,
        # MySQL's default, would hide a row another request just inserted).
        init_command="SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    )


def close_connections(db: peewee.Database) -> None:
    """Close every connection the pool holds (at shutdown)."""
    if isinstance(db, PooledDatabase):
        db.close_all()  # type: ignore[no-untyped-call]  # playhouse.pool has no types


def is_sqlite(db: peewee.Database) -> bool:
    return isinstance(db, peewee.SqliteDatabase)


def is_postgresql(db: peewee.Database) -> bool:
    return isinstance(db, peewee.PostgresqlDatabase)


def write_transaction(db: peewee.Database) -> peewee._atomic:
    """A transaction that takes SQLite's write lock up front (`BEGIN IMMEDIATE`)."""
    return db.atomic("IMMEDIATE") if is_sqlite(db) else db.atomic()


@contextmanager
def impatient(db: peewee.Database, patience_ms: int) -> Iterator[None]:
    """The calling thread's SQLite connection without a busy timeout for the block: a lock that
    another connection holds fails at once ("database is locked") instead of being waited for.
    The connection's timeout is `patience_ms` again afterwards (what `open_database` gave it)."""
    db.execute_sql("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {patience_ms}")


def binary_collation(db: peewee.Database) -> str | None:
    """The collation that orders text by code point: SQLite and our MySQL tables already do."""
    return '"C"' if is_postgresql(db) else None
