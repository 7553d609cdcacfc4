"""The model base class and the clock the models use."""

from __future__ import annotations

import datetime as dt

import peewee

# Bound to the configured database at start-up (`models.bind`).
database_proxy = peewee.DatabaseProxy()


def bound_database() -> peewee.Database:
    """The database the models are bound to at start-up (for what depends on its dialect)."""
    return database_proxy.obj


def utc_now() -> dt.datetime:
    """Naive UTC, as every datetime column stores it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(peewee.Model):
    class Meta:
        database = database_proxy
