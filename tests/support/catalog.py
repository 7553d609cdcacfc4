"""What SQLite's catalog says of a database's tables, to compare two databases' schemas."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

NOT_OURS = {"migratehistory", "alembic_version", "sqlite_sequence"}


class TableShape(NamedTuple):
    autoincrement: bool
    columns: list[tuple[object, ...]]  # (position, name, type, not null, default, primary key)
    foreign_keys: list[tuple[object, ...]]
    indexes: list[tuple[object, ...]]  # (name, unique, columns)


def sqlite_catalog(path: Path) -> dict[str, TableShape]:
    """Each table of the database at `path` but the migration tools' and SQLite's own."""
    with sqlite3.connect(path) as connection:
        tables = dict(
            connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        )
        catalog = {}
        for table in sorted(set(tables) - NOT_OURS):
            indexes = sorted(
                (
                    row[1],
                    row[2],
                    tuple(col[2] for col in connection.execute(f"PRAGMA index_info('{row[1]}')")),
                )
                for row in connection.execute(f"PRAGMA index_list('{table}')")
            )
            catalog[table] = TableShape(
                "AUTOINCREMENT" in tables[table],
                connection.execute(f"PRAGMA table_info('{table}')").fetchall(),
                sorted(row[1:] for row in connection.execute(f"PRAGMA foreign_key_list('{table}')")),
                indexes,
            )
        return catalog
