"""Queries whose SQL peewee writes once per database and shape, then runs with new values.

Peewee writes a query's SQL anew each time it runs, walking the query's expression tree: for
the one-row reads and writes every request makes, that costs several times what the database
does (bench/README.md has the figures). A
`Statement` keeps the text peewee wrote the first time and binds each run's values to it.

The first compile checks that peewee bound exactly the values given, in their order, so the
text cannot depend on them: a constant must stay out of the parameters (`peewee.SQL("1")`),
and what does change the text (how many ids an IN list has) is passed as the `shape`. Equal
values can hide two swapped ones from that check: tests/domain/test_statements.py compiles each
statement of queries.py with values that all differ.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple, TypeVar

import peewee

from models.base import bound_database

ModelT = TypeVar("ModelT", bound=peewee.Model)

# Peewee's own fields (not subclasses, which may convert more) whose `python_value` gives back a
# value of exactly this type as it is: the driver's value is the field's value already.
KEPT_AS_IS: dict[type[peewee.Field], type] = {
    peewee.IntegerField: int,
    peewee.BigIntegerField: int,
    peewee.SmallIntegerField: int,
    peewee.AutoField: int,
    peewee.BigAutoField: int,
    peewee.CharField: str,
    peewee.TextField: str,
}


class Column(NamedTuple):
    """What a column of a statement's rows becomes in its model."""

    name: str  # the field's
    kept: type | None  # a value of exactly this type is kept as it is
    convert: Callable[[Any], Any]  # any other value goes through the field's `python_value`


def column_of(field: peewee.Field) -> Column:
    # A foreign key's value converts as the key it refers to (ForeignKeyField.python_value).
    held = field.rel_field if isinstance(field, peewee.ForeignKeyField) else field
    return Column(field.name, KEPT_AS_IS.get(type(held)), field.python_value)


class Statement:
    def __init__(self, build: Callable[..., peewee.Query]) -> None:
        self.build = build  # build(*values) -> the query for those values
        self.texts: dict[tuple[peewee.Database, Hashable], str] = {}
        self.columns: dict[tuple[type[peewee.Model], tuple[str, ...]], list[Column]] = {}

    def text(self, values: Sequence[Any], shape: Hashable = None) -> str:
        key = (bound_database(), shape)
        text = self.texts.get(key)
        if text is None:
            text, params = self.build(*values).sql()
            if list(params) != list(values):
                raise ValueError(f"the statement binds {params!r}, not the values given {values!r}")
            self.texts[key] = text
        return text

    def models(self, model: type[ModelT], *values: Any, shape: Hashable = None) -> list[ModelT]:
        """The rows as `model` instances, each column converted by the field it is the column of
        (as `Model.raw` would, less its working out which field each column is at every run)."""
        cursor = bound_database().execute_sql(self.text(values, shape), values)
        names = tuple(column[0] for column in cursor.description)
        columns = self.columns.get((model, names))
        if columns is None:
            columns = self.columns[(model, names)] = [column_of(model._meta.columns[name]) for name in names]
        return [loaded(model, columns, row) for row in cursor.fetchall()]

    def first(self, model: type[ModelT], *values: Any, shape: Hashable = None) -> ModelT | None:
        found = self.models(model, *values, shape=shape)
        return found[0] if found else None

    def rows(self, *values: Any, shape: Hashable = None) -> list[tuple[Any, ...]]:
        return list(bound_database().execute_sql(self.text(values, shape), values).fetchall())

    def insert(self, *values: Any, shape: Hashable = None) -> int:
        """Run an INSERT of one row; its new id (an INSERT for PostgreSQL says `RETURNING id`)."""
        db = bound_database()
        cursor = db.execute_sql(self.text(values, shape), values)
        return int(cursor.fetchone()[0] if db.returning_clause else cursor.lastrowid)

    def execute(self, *values: Any, shape: Hashable = None) -> int:
        """Run a write; the number of rows it changed."""
        return int(bound_database().execute_sql(self.text(values, shape), values).rowcount)


def loaded(model: type[ModelT], columns: list[Column], row: tuple[Any, ...]) -> ModelT:
    """A model instance from a row, with no defaults filled in: what `Model.__init__` makes of
    it (its `__data__`, `_dirty`, `__rel__`), less a descriptor call per field, which a page of
    rows would pay for each (a field's value is its converted column, or the column's value as
    it is where that is what the field would give: `Column.kept`; a null stays None). Its
    fields count as changed (a `save()` would write them all): the service writes rows through
    statements only."""
    instance = model.__new__(model)
    data = {
        name: value if value is None or type(value) is kept else convert(value)
        for (name, kept, convert), value in zip(columns, row, strict=True)
    }
    vars(instance).update({"__data__": data, "_dirty": set(data), "__rel__": {}})
    return instance
