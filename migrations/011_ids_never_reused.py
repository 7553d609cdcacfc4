"""Peewee migrations -- 011_ids_never_reused.py: no id the API shows is ever given twice.

A plain SQLite table gives a new row the highest id + 1: delete the newest task, create one,
and the new task had the old one's id (a client that synced the deletion, a webhook consumer
or a link then met another task, maybe another user's, under it). An AUTOINCREMENT table
keeps the highest id it ever gave in `sqlite_sequence` and never goes back. The tables whose
ids the API shows become so: tasks, lists, access_tokens, webhooks and reminders (`events`
has been since 009; tags, throttles and delivery attempts show no id).

SQLite cannot alter a table to AUTOINCREMENT: each is made anew with the same columns, keys
and indexes, its rows copied, the old one dropped and the new one renamed (SQLite's own
procedure). migrations/runner.py turns foreign keys off around the migrations, so dropping
`tasks` cascades nothing into `task_tags` or `reminders`, and checks them after. Before
anything is dropped the new table must have exactly the old one's columns and foreign keys,
and after, exactly its indexes: a database that differs is left as it was, with an error.

Each sequence starts past the highest id the database still knows was handed out: its live
rows' and, for tasks and lists, their tombstones'. A tombstone whose id a live entity was
given meanwhile goes (as deleting that entity would have removed it before): the change
feed then lists each id once, and a client applying it in order ends the same.

PostgreSQL's and MySQL's (8, MariaDB 10.2.4+) sequences never go back: nothing to do there.

A later migration that makes one of these tables anew on SQLite (peewee's SqliteMigrator does,
to change a column's type or NOT NULL) must carry its `sqlite_sequence` row over: dropping the
old table drops its row, and the copy's starts at the highest live id, below the tombstones'
(tests/e2e/test_ids_migration.py upgrades through it and would fail).
"""

from __future__ import annotations

from typing import NamedTuple

import peewee as pw
from peewee_migrate import Migrator


class Table(NamedTuple):
    name: str
    columns: str  # the column and constraint definitions, AUTOINCREMENT where {autoincrement} is
    indexes: tuple[str, ...]
    tombstone_kind: str | None = None  # the kind its deleted rows' tombstones have


TABLES = (
    Table(
        "lists",
        '"id" INTEGER NOT NULL PRIMARY KEY{autoincrement}, "user_id" VARCHAR(128) NOT NULL, '
        '"name" VARCHAR(100) NOT NULL, "name_key" VARCHAR(400) NOT NULL, "color" VARCHAR(16), '
        '"position" VARCHAR(255) NOT NULL, "task_count" INTEGER NOT NULL, "open_count" INTEGER NOT NULL, '
        '"version" INTEGER NOT NULL, "change_seq" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, '
        '"updated_at" DATETIME NOT NULL, '
        'FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE',
        (
            'CREATE UNIQUE INDEX "todolist_user_id_name_key" ON "lists" ("user_id", "name_key")',
            'CREATE INDEX "todolist_user_id_position_id" ON "lists" ("user_id", "position", "id")',
            'CREATE INDEX "todolist_user_id_change_seq_id" ON "lists" ("user_id", "change_seq", "id")',
        ),
        tombstone_kind="list",
    ),
    Table(
        "tasks",
        '"id" INTEGER NOT NULL PRIMARY KEY{autoincrement}, "user_id" VARCHAR(128) NOT NULL, '
        '"title" VARCHAR(200) NOT NULL, "description" TEXT, "search_text" TEXT NOT NULL, '
        '"completed" INTEGER NOT NULL, "completed_at" DATETIME, "priority" INTEGER NOT NULL, '
        '"due_date" DATETIME, "position" INTEGER, "created_at" DATETIME NOT NULL, '
        '"updated_at" DATETIME NOT NULL, "title_key" VARCHAR(400) NOT NULL DEFAULT \'\', '
        '"version" BIGINT NOT NULL DEFAULT 1, "change_seq" BIGINT NOT NULL DEFAULT 0, '
        '"list_id" BIGINT REFERENCES "lists" ("id") ON DELETE CASCADE, '
        '"parent_id" BIGINT REFERENCES "tasks" ("id") ON DELETE CASCADE, "sort_key" VARCHAR(255), '
        '"recurrence" VARCHAR(500), "time_zone" VARCHAR(64) NOT NULL DEFAULT \'UTC\', '
        '"series_id" BIGINT, "previous_id" BIGINT, "occurrence" INTEGER NOT NULL DEFAULT 1, '
        '"reminders" TEXT, '
        'FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE',
        (
            'CREATE INDEX "task_user_id_created_at_id" ON "tasks" ("user_id", "created_at", "id")',
            'CREATE INDEX "task_user_id_updated_at_id" ON "tasks" ("user_id", "updated_at", "id")',
            'CREATE INDEX "task_user_id_due_date_id" ON "tasks" ("user_id", "due_date", "id")',
            'CREATE INDEX "task_user_id_priority_id" ON "tasks" ("user_id", "priority", "id")',
            'CREATE INDEX "task_user_id_position_id" ON "tasks" ("user_id", "position", "id")',
            'CREATE INDEX "task_user_id_completed_created_at" ON "tasks" '
            '("user_id", "completed", "created_at")',
            'CREATE INDEX "tasks_user_id_change_seq_id" ON "tasks" ("user_id", "change_seq", "id")',
            'CREATE INDEX "tasks_list_id_parent_id_sort_key_id" ON "tasks" '
            '("list_id", "parent_id", "sort_key", "id")',
            'CREATE INDEX "tasks_list_id_created_at_id" ON "tasks" ("list_id", "created_at", "id")',
            'CREATE INDEX "tasks_user_id_sort_key_id" ON "tasks" ("user_id", "sort_key", "id")',
            'CREATE INDEX "tasks_parent_id" ON "tasks" ("parent_id")',
            'CREATE UNIQUE INDEX "tasks_previous_id" ON "tasks" ("previous_id")',
        ),
        tombstone_kind="task",
    ),
    Table(
        "access_tokens",
        '"id" INTEGER NOT NULL PRIMARY KEY{autoincrement}, "user_id" VARCHAR(128) NOT NULL, '
        '"name" VARCHAR(100) NOT NULL, "scopes" VARCHAR(64) NOT NULL, "token_hash" VARCHAR(64) NOT NULL, '
        '"created_at" DATETIME NOT NULL, "expires_at" DATETIME, "last_used_at" DATETIME, '
        'FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE',
        (
            'CREATE UNIQUE INDEX "accesstoken_token_hash" ON "access_tokens" ("token_hash")',
            'CREATE INDEX "accesstoken_user_id_created_at" ON "access_tokens" ("user_id", "created_at")',
        ),
    ),
    Table(
        "webhooks",
        '"id" INTEGER NOT NULL PRIMARY KEY{autoincrement}, "user_id" VARCHAR(128) NOT NULL, '
        '"url" VARCHAR(2000) NOT NULL, "events" VARCHAR(400) NOT NULL, "secret" VARCHAR(100) NOT NULL, '
        '"created_at" DATETIME NOT NULL, "active" INTEGER NOT NULL, "cursor" INTEGER NOT NULL, '
        '"attempts" INTEGER NOT NULL, "failing_since" DATETIME, "next_attempt_at" DATETIME, '
        '"claimed_by" VARCHAR(64), "claimed_until" DATETIME, '
        'FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE',
        (
            'CREATE INDEX "webhook_user_id_id" ON "webhooks" ("user_id", "id")',
            'CREATE INDEX "webhook_active_next_attempt_at" ON "webhooks" ("active", "next_attempt_at")',
        ),
    ),
    Table(
        "reminders",
        '"id" INTEGER NOT NULL PRIMARY KEY{autoincrement}, "task_id" INTEGER NOT NULL, '
        '"user_id" VARCHAR(128) NOT NULL, "spec" VARCHAR(100) NOT NULL, "fire_at" DATETIME, '
        '"fired_at" DATETIME, FOREIGN KEY ("task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE, '
        'FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE',
        (
            'CREATE INDEX "reminder_task_id" ON "reminders" ("task_id")',
            'CREATE INDEX "reminder_fire_at" ON "reminders" ("fire_at")',
            'CREATE INDEX "reminder_user_id_fire_at" ON "reminders" ("user_id", "fire_at")',
        ),
    ),
)


def columns_and_keys(database: pw.Database, table: str) -> list[tuple[object, ...]]:
    """What a copy of the table must have the same of: each column's name, declared type, NOT
    NULL, default and primary-key place, in order; its foreign keys (in any order)."""
    columns = database.execute_sql(
        f"SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')"
    ).fetchall()
    keys = database.execute_sql(
        'SELECT seq, "table", "from", "to", on_update, on_delete, "match" '
        f"FROM pragma_foreign_key_list('{table}')"
    ).fetchall()
    return [*columns, *sorted(keys)]


def indexes(database: pw.Database, table: str) -> list[tuple[object, ...]]:
    """Each index of the table: its name, uniqueness, origin, partiality and columns in order
    (with their direction and collation)."""
    return list(
        database.execute_sql(
            'SELECT il.name, il."unique", il.origin, il.partial, ii.seqno, ii.cid, ii.name, ii."desc", '
            f"ii.coll, ii.\"key\" FROM pragma_index_list('{table}') AS il, pragma_index_xinfo(il.name) AS ii "
            "ORDER BY il.name, ii.seqno"
        ).fetchall()
    )


def rebuild(database: pw.Database, table: Table, *, autoincrement: bool) -> None:
    """Make `table` anew, AUTOINCREMENT or not, with the same rows, columns, keys and indexes."""
    if database.execute_sql("SELECT foreign_keys FROM pragma_foreign_keys").fetchall() == [(1,)]:
        raise RuntimeError("011 drops tables: run it with foreign keys off (migrations.runner does)")
    name, copy = table.name, f"{table.name}__rebuilt"
    before = columns_and_keys(database, name), indexes(database, name)
    columns = table.columns.format(autoincrement=" AUTOINCREMENT" if autoincrement else "")
    database.execute_sql(f'CREATE TABLE "{copy}" ({columns})')
    if columns_and_keys(database, copy) != before[0]:
        raise RuntimeError(f"the table {name} is not as the migrations made it: left as it was")
    # The same columns in the same order (just checked): the rows go over as they are.
    database.execute_sql(f'INSERT INTO "{copy}" SELECT * FROM "{name}"')
    database.execute_sql(f'DROP TABLE "{name}"')
    database.execute_sql(f'ALTER TABLE "{copy}" RENAME TO "{name}"')
    for statement in table.indexes:
        database.execute_sql(statement)
    if indexes(database, name) != before[1]:
        raise RuntimeError(f"the indexes of {name} are not as the migrations made them: left as they were")


def start_sequence(database: pw.Database, table: Table) -> None:
    """The table's sequence past every id it handed out that the database still knows of."""
    known = [f'(SELECT MAX("id") FROM "{table.name}")']
    if table.tombstone_kind is not None:
        kind = f"\"kind\" = '{table.tombstone_kind}'"
        database.execute_sql(
            f'DELETE FROM "tombstones" WHERE {kind} AND "entity_id" IN (SELECT "id" FROM "{table.name}")'
        )
        known.append(f'(SELECT MAX("entity_id") FROM "tombstones" WHERE {kind})')
    highest = ", ".join(f"COALESCE({query}, 0)" for query in known)
    database.execute_sql(f"DELETE FROM sqlite_sequence WHERE name = '{table.name}'")
    database.execute_sql(f"INSERT INTO sqlite_sequence (name, seq) SELECT '{table.name}', MAX(0, {highest})")


def make_autoincrement(database: pw.Database) -> None:
    for table in TABLES:
        rebuild(database, table, autoincrement=True)
        start_sequence(database, table)


def make_plain(database: pw.Database) -> None:
    """Back to plain rowid tables (their rows in sqlite_sequence go with the dropped ones)."""
    for table in reversed(TABLES):
        rebuild(database, table, autoincrement=False)


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if isinstance(database, pw.SqliteDatabase):
        migrator.run(make_autoincrement, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if isinstance(database, pw.SqliteDatabase):
        migrator.run(make_plain, database)
