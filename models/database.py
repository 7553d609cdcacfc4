"""Opening the configured database: SQLite, PostgreSQL or MySQL, always through a pool.

Each request borrows one connection and gives it back when it ends. SQLite gets WAL, a busy
timeout, foreign keys and `synchronous=NORMAL`; writes on SQLite begin `IMMEDIATE` so two
writers queue on the busy timeout instead of failing with "database is locked".
"""

from __future__ import annotations

import peewee
from playhouse.db_url import connect

from settings import DatabaseURL

# Microseconds on MySQL too (plain DATETIME drops them), so timestamps read back as written.
MYSQL_FIELD_TYPES = {"DATETIME": "DATETIME(6)"}
MYSQL_TABLE_SETTINGS = ("DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin")


def open_database(database: DatabaseURL, pool_size: int, timeout: float) -> peewee.Database:
    """A pooled peewee database for `database`, not yet connected."""
    scheme, rest = database.url.split("://", 1)
    options: dict[str, object] = {
        "max_connections": pool_size,
        "stale_timeout": 300,
        "timeout": timeout,
    }
    if database.dialect == "sqlite":
        database.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        options |= {
            # WAL is a property of the file, set once under the migration lock (migrations/runner.py):
            # switching to it on every connect would race with another process's transaction.
            "pragmas": {
                "foreign_keys": 1,
                "synchronous": "normal",
                "busy_timeout": int(timeout * 1000),
            },
            "timeout": timeout,
            "check_same_thread": False,
        }
    elif database.dialect == "postgresql":
        options["connect_timeout"] = int(timeout)
    else:
        options |= {
            "connect_timeout": timeout,
            "read_timeout": 30,
            "write_timeout": 30,
            "charset": "utf8mb4",
            "field_types": MYSQL_FIELD_TYPES,
        }
    return connect(f"{scheme}+pool://{rest}", **options)


def is_sqlite(db: peewee.Database) -> bool:
    return isinstance(db, peewee.SqliteDatabase)


def is_mysql(db: peewee.Database) -> bool:
    return isinstance(db, peewee.MySQLDatabase)


def write_transaction(db: peewee.Database) -> peewee._atomic:
    """A transaction that takes SQLite's write lock up front (`BEGIN IMMEDIATE`)."""
    return db.atomic("IMMEDIATE") if is_sqlite(db) else db.atomic()


def binary_collation(db: peewee.Database) -> str | None:
    """The collation that orders text by code point: SQLite and our MySQL tables already do."""
    return '"C"' if isinstance(db, peewee.PostgresqlDatabase) else None
