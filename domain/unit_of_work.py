"""Running a handler's database work in a worker thread, in one transaction, on one connection.

The connection is borrowed from the pool for the call and returned at its end. A database
that cannot be reached becomes a clean 503, never a 500 with a driver's message.

Reads run in a plain transaction. Work that finds, while reading, that it must write after all
(the first request of a user known only from another issuer's token) calls `require_write()`;
the work then runs again in a write transaction. SQLite cannot turn a read transaction into a
write one while another connection writes, so the rerun is what keeps this safe there.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

import peewee

DEADLOCK_RETRIES = 3
# MySQL's deadlock and lock-wait timeout; PostgreSQL's deadlock_detected and serialization_failure.
MYSQL_RETRYABLE = (1213, 1205)
POSTGRES_RETRYABLE = ("40P01", "40001")

logger = logging.getLogger("todo_api.db")


def is_deadlock(exc: peewee.OperationalError) -> bool:
    """The database rolled this transaction back to break a deadlock: it may simply run again."""
    cause = exc.__cause__ or exc
    if getattr(cause, "pgcode", None) in POSTGRES_RETRYABLE:
        return True
    return bool(cause.args) and cause.args[0] in MYSQL_RETRYABLE


writing: ContextVar[bool] = ContextVar("writing", default=False)


class WriteNeeded(Exception):
    """Raised by `require_write()` in a read transaction."""


def require_write() -> None:
    if not writing.get():
        raise WriteNeeded
