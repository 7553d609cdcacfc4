"""The model base class and the clock the models use."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from typing import TYPE_CHECKING

import peewee

# Bound to the configured database at start-up (`models.bind`).
database_proxy = peewee.DatabaseProxy()
# Another database the statements of the current work run on: the event loop's own SQLite
# connection, for the point reads made there (runtime/loop_reader.py). Set for the call only.
loop_database: ContextVar[peewee.Database | None] = ContextVar("loop_database", default=None)


def bound_database() -> peewee.Database:
    """The database the statements run on (models/statements.py), and whose dialect the SQL
    is written for: the models' (bound at start-up), or the loop's for a point read there."""
    database: peewee.Database = loop_database.get() or database_proxy.obj
    return database


def utc_now() -> dt.datetime:
    """Naive UTC, as every datetime column stores it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(peewee.Model):
    class Meta:
        database = database_proxy

    if TYPE_CHECKING:  # types-peewee types `delete` with a descriptor mypy cannot read on a class

        @classmethod
        def delete(cls) -> peewee.ModelDelete: ...
