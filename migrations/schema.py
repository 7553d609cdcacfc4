"""The full schema per dialect, printed as Alembic's offline mode (`alembic upgrade head --sql`) would.

The migrations run against a database object that records each statement instead of
executing it, so the script is derived from the migrations and cannot drift from them.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import peewee
from peewee_migrate import Migrator

from migrations.runner import make_router, migration_names
from models.database import FIELD_TYPES

DIALECTS = ("sqlite", "postgresql", "mysql")
VERSION_TABLE_DDL = (
    "CREATE TABLE alembic_version (\n"
    "    version_num VARCHAR(32) NOT NULL, \n"
    "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
    ")"
)


class RecordingMixin:
    """Collects SQL instead of sending it; never opens a connection. Reads find no rows, so a
    migration's Python step that moves existing data does nothing (an empty database has none)."""

    statements: list[str] = []  # each recorder class gets a list of its own (`recording_database`)

    def execute_sql(self, sql: str, params: Any = None, commit: Any = None) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            return EmptyCursor()
        if params:
            raise ValueError(f"a schema statement with parameters cannot be printed: {sql}")
        self.statements.append(sql)
        return None

    def get_tables(self, schema: str | None = None) -> list[str]:
        return []


class EmptyCursor:
    def fetchall(self) -> list[Any]:
        return []


class RecordingSqliteDatabase(RecordingMixin, peewee.SqliteDatabase):
    pass


class RecordingPostgresqlDatabase(RecordingMixin, peewee.PostgresqlDatabase):
    pass


class RecordingMySQLDatabase(RecordingMixin, peewee.MySQLDatabase):
    pass


Recorder = RecordingSqliteDatabase | RecordingPostgresqlDatabase | RecordingMySQLDatabase


def recording_database(dialect: str) -> Recorder:
    db: Recorder
    if dialect == "sqlite":
        db = RecordingSqliteDatabase("schema", field_types=FIELD_TYPES[dialect])
    elif dialect == "postgresql":
        db = RecordingPostgresqlDatabase("schema", field_types=FIELD_TYPES[dialect])
    else:
        db = RecordingMySQLDatabase("schema", field_types=FIELD_TYPES[dialect])
    db.statements = []
    return db


def migration_statements(dialect: str) -> list[tuple[str, list[str]]]:
    """Each migration's name with the DDL it runs on `dialect`."""
    db = recording_database(dialect)
    router = make_router(db)
    migrator = Migrator(db)
    # No BEGIN/COMMIT around the DDL: peewee-migrate has no option for it, so its method is replaced.
    migrator.__migrator__.migration_context = nullcontext  # type: ignore[method-assign,assignment]
    recorded = []
    for name in migration_names():
        migrate, _ = router.read(name)
        migrate(migrator, db, fake=False)
        migrator()
        recorded.append((name, db.statements))
        db.statements = []
    return recorded


def render(dialect: str) -> str:
    """The script: version table, then each migration's DDL and stamp, as Alembic prints them."""
    transactional = dialect == "postgresql"  # Alembic wraps DDL in a transaction where it can
    lines = ["BEGIN;", ""] if transactional else []
    lines += [VERSION_TABLE_DDL + ";", ""]
    previous = None
    for name, statements in migration_statements(dialect):
        lines += [f"-- Running upgrade {previous or ''} -> {name}", ""]
        lines += [statement + ";\n" for statement in statements]
        lines += [stamp(dialect, name, previous), ""]
        previous = name
    if transactional:
        lines += ["COMMIT;", ""]
    return "\n".join(lines)


def stamp(dialect: str, name: str, previous: str | None) -> str:
    if previous is not None:
        return (
            f"UPDATE alembic_version SET version_num='{name}' "
            f"WHERE alembic_version.version_num = '{previous}';"
        )
    returning = " RETURNING alembic_version.version_num" if dialect == "postgresql" else ""
    return f"INSERT INTO alembic_version (version_num) VALUES ('{name}'){returning};"
