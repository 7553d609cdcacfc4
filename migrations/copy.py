"""`python -m migrations copy`: every table of one database into another (a Space's SQLite file
into PostgreSQL or MySQL, typically), ids and all.

The target must be migrated to the same migrations as the source, and empty; otherwise nothing
is copied. Tables go in the order of their foreign keys (a task after its list, and after its
parent: the tasks are copied level by level), in pages, inside one transaction on the target,
whose row counts are checked against the source's before it commits: a failed copy leaves the
target empty. The source is read in one snapshot where the database gives one (SQLite, and
PostgreSQL's REPEATABLE READ): stop the service, or keep it from writing, while it copies.

Then each table's id sequence on the target is set past every id the source has given: its
highest row, a deleted task's or list's id (a tombstone: the change feed must never see an id
again), and the source's own sequence; PostgreSQL's `setval`, MySQL's `AUTO_INCREMENT`, or
SQLite's `sqlite_sequence` for AUTOINCREMENT tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

import peewee

from migrations import runner
from models import MODELS, BaseModel, Task, TodoList, Tombstone

PAGE = 500
Report = Callable[[str], None]
Table = type[BaseModel]
Row = tuple[Any, ...]
# Deleted entities whose ids a table must not give again (the change feed's tombstones).
TOMBSTONE_KINDS = {Task: "task", TodoList: "list"}


class CopyRefused(Exception):
    """The copy cannot start (or did not check out): nothing was written to the target."""


def copy_database(source: peewee.Database, target: peewee.Database, report: Report = print) -> dict[str, int]:
    """Copy every table of `source` into `target`; the rows of each table."""
    models = foreign_key_order(MODELS)
    with source.connection_context(), target.connection_context():
        require_same_migrations(source, target)
        require_empty(target, models)
        with snapshot(source), target.atomic():
            counts = {model._meta.table_name: count(model, source) for model in models}
            for model in models:
                copied = copy_table(model, source, target)
                report(f"{model._meta.table_name}: {copied} rows")
            for model in models:
                name = model._meta.table_name
                if (found := count(model, target)) != counts[name]:
                    raise CopyRefused(
                        f"{name}: {found} rows copied, the source has {counts[name]}: nothing kept"
                    )
            next_ids = {model: next_id(model, source, target) for model in models if auto_id(model)}
        for model, value in next_ids.items():
            set_next_id(model, target, value)
            report(f"{model._meta.table_name}: next id {value}")
    return counts


def foreign_key_order(models: tuple[Table, ...]) -> list[Table]:
    """Each table after the tables its foreign keys name."""
    ordered: list[Table] = []

    def visit(model: Table) -> None:
        if model not in ordered:
            for ref in model._meta.refs:
                if ref.rel_model is not model:
                    visit(ref.rel_model)
            ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def rows_of(query: peewee.ModelSelect[Any], db: peewee.Database) -> list[Row]:
    """The query's rows on `db`, each value as its field reads it (ready for another database)."""
    return cast(list[Row], list(query.tuples().bind(db)))


def require_same_migrations(source: peewee.Database, target: peewee.Database) -> None:
    """Both databases have exactly this version's migrations applied."""
    known = runner.migration_names()
    for db, role in ((source, "source"), (target, "target")):
        upgrade = f"run `DATABASE_URL=<{role}> python -m migrations upgrade` first"
        if runner.HISTORY_TABLE not in db.get_tables():
            raise CopyRefused(f"the {role} database has no migrations applied: {upgrade}")
        applied = {name for (name,) in db.execute_sql(f"SELECT name FROM {runner.HISTORY_TABLE}")}
        if missing := [name for name in known if name not in applied]:
            raise CopyRefused(f"the {role} database lacks migrations {', '.join(missing)}: {upgrade}")
        if unknown := sorted(applied - set(known)):
            msg = f"the {role} database has migrations this version does not know ({', '.join(unknown)})"
            raise CopyRefused(f"{msg}: copy with the version that applied them")


def require_empty(target: peewee.Database, models: list[Table]) -> None:
    for model in models:
        if model.select().bind(target).exists():
            raise CopyRefused(f"the target database is not empty (table {model._meta.table_name} has rows)")


@contextmanager
def snapshot(db: peewee.Database) -> Iterator[None]:
    """A read transaction on the source that sees one moment, where the database gives one."""
    if isinstance(db, peewee.MySQLDatabase):  # for its next transaction
        db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    with db.atomic():
        if isinstance(db, peewee.PostgresqlDatabase):  # its transaction's first statement
            db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def count(model: Table, db: peewee.Database) -> int:
    return int(model.select().bind(db).count())


def copy_table(model: Table, source: peewee.Database, target: peewee.Database) -> int:
    fields = list(model._meta.sorted_fields)
    copied = 0
    for rows in pages(model, source, fields):
        model.insert_many(rows, fields=fields).bind(target).as_rowcount().execute()
        copied += len(rows)
    return copied


def pages(model: Table, db: peewee.Database, fields: list[peewee.Field]) -> Iterator[list[Row]]:
    """The table's rows, PAGE at a time: by id, or, for a table whose rows refer to its own
    (a task's parent), parents first; by primary key otherwise."""
    if any(ref.rel_model is model for ref in model._meta.refs):
        yield from parents_first(model, db, fields)
        return
    key = model._meta.primary_key
    if isinstance(key, peewee.AutoField):
        last: int | None = None
        while True:
            query = model.select(*fields).order_by(key).limit(PAGE)
            if last is not None:
                query = query.where(key > last)
            rows = rows_of(query, db)
            if not rows:
                return
            yield rows
            last = rows[-1][fields.index(key)]
    else:
        order = (
            [model._meta.fields[name] for name in key.field_names]
            if isinstance(key, peewee.CompositeKey)
            else [key]
        )
        offset = 0
        while rows := rows_of(model.select(*fields).order_by(*order).limit(PAGE).offset(offset), db):
            yield rows
            offset += PAGE


def parents_first(model: Table, db: peewee.Database, fields: list[peewee.Field]) -> Iterator[list[Row]]:
    key = primary_key(model)
    (parent,) = [ref for ref in model._meta.refs if ref.rel_model is model]
    children: dict[Any, list[Any]] = defaultdict(list)
    for row_id, parent_id in rows_of(model.select(key, parent), db):
        children[parent_id].append(row_id)
    order: list[Any] = []
    level = sorted(children[None])
    while level:
        order.extend(level)
        level = sorted(child for row_id in level for child in children[row_id])
    for start in range(0, len(order), PAGE):
        ids = order[start : start + PAGE]
        position = fields.index(key)
        found = {row[position]: row for row in rows_of(model.select(*fields).where(key.in_(ids)), db)}
        yield [found[row_id] for row_id in ids]


def primary_key(model: Table) -> peewee.Field:
    key = model._meta.primary_key
    if not isinstance(key, peewee.Field):
        raise TypeError(f"{model._meta.table_name} has no primary key")
    return key


def auto_id(model: Table) -> bool:
    return isinstance(model._meta.primary_key, peewee.AutoField)


def next_id(model: Table, source: peewee.Database, target: peewee.Database) -> int:
    """The first id the target may give: past its rows, the tombstones of its kind, and the
    source's sequence."""
    key = model._meta.primary_key
    highest = model.select(peewee.fn.MAX(key)).bind(target).scalar() or 0
    if kind := TOMBSTONE_KINDS.get(model):
        buried = Tombstone.select(peewee.fn.MAX(Tombstone.entity_id)).where(Tombstone.kind == kind)
        highest = max(highest, buried.bind(target).scalar() or 0)
    return max(highest, last_given(model, source)) + 1


def last_given(model: Table, db: peewee.Database) -> int:
    """The last id the database's sequence for the table gave (0: none, or none kept)."""
    table = model._meta.table_name
    if isinstance(db, peewee.PostgresqlDatabase):
        (sequence,) = db.execute_sql("SELECT pg_get_serial_sequence(%s, 'id')", (f'"{table}"',)).fetchone()
        if sequence is None:
            return 0
        value, called = db.execute_sql(f"SELECT last_value, is_called FROM {sequence}").fetchone()
        return int(value) if called else int(value) - 1
    if isinstance(db, peewee.MySQLDatabase):
        where = "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s"
        row = db.execute_sql(
            f"SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE {where}", (table,)
        ).fetchone()
        return int(row[0]) - 1 if row and row[0] else 0
    if "sqlite_sequence" not in db.get_tables():
        return 0
    row = db.execute_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    return int(row[0]) if row else 0


def set_next_id(model: Table, db: peewee.Database, value: int) -> None:
    table = model._meta.table_name
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", (f'"{table}"', value))
    elif isinstance(db, peewee.MySQLDatabase):
        db.execute_sql(f"ALTER TABLE `{table}` AUTO_INCREMENT = {int(value)}")
    elif autoincrement(db, table):
        with db.atomic():
            db.execute_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            db.execute_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, value - 1))


def autoincrement(db: peewee.Database, table: str) -> bool:
    """An SQLite table declared AUTOINCREMENT (its ids never reused, kept in sqlite_sequence)."""
    row = db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return row is not None and "AUTOINCREMENT" in str(row[0]).upper()
