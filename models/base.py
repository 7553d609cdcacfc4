"""The model base class and the clock the models use."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import peewee

# Bound to the configured database at start-up (`models.bind`).
database_proxy = peewee.DatabaseProxy()


def bound_database() -> peewee.Database:
    """The database the models are bound to at start-up (for what depends on its dialect)."""
    database: peewee.Database = database_proxy.obj
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
