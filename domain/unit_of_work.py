"""One unit of work: a function of the domain run in one transaction on one connection
(synchronous: runtime/calls.py runs it in a database thread).

Reads run in a plain transaction. Work that finds, while reading, that it must write after all
(the first request of a user known only from another issuer's token) calls `require_write()`;
the work then runs again in a write transaction. SQLite cannot turn a read transaction into a
write one while another connection writes, so the rerun is what keeps this safe there.

A write that carries an Idempotency-Key claims it in its transaction, before its own work
(domain/idempotency.py): the key's row and the change commit together or not at all. A
transaction the database rolled back to break a deadlock runs again, at most DEADLOCK_RETRIES
times.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

import peewee

from domain.idempotency import Claim, claim_key, current_claim
from models import write_transaction

T = TypeVar("T")

DEADLOCK_RETRIES = 3
# MySQL's deadlock and lock-wait timeout; PostgreSQL's deadlock_detected and serialization_failure.
MYSQL_RETRYABLE = (1213, 1205)
POSTGRES_RETRYABLE = ("40P01", "40001")

logger = logging.getLogger("todo_api.db")

writing: ContextVar[bool] = ContextVar("writing", default=False)
# Set for a point write run on the event loop's own thread (runtime/group_commit.py `write_here`).
on_loop: ContextVar[bool] = ContextVar("on_loop", default=False)


class WriteNeeded(Exception):
    """Raised by `require_write()` in a read transaction."""


class ThreadNeeded(Exception):
    """Raised by `require_thread()` in work running on the event loop's thread."""


def require_write() -> None:
    if not writing.get():
        raise WriteNeeded


def require_thread() -> None:
    """Called first by work that may take long (the search for a recurrence's next occurrence):
    on the event loop's thread, it ends the work there (rolled back), and the work runs again in
    a database thread, so that the loop goes on answering other requests meanwhile."""
    if on_loop.get():
        raise ThreadNeeded


def write_step(work: Callable[[], T], claims: bool = True) -> tuple[T, Claim | None]:
    """A write's own work in a write transaction, which its caller commits: when `claims`, the
    request's Idempotency-Key claimed first (in its first write, with the change it guards),
    then the work. Returns the claim it made, to be marked committed once the transaction is.
    (A read that finds it must write after all claims nothing: the key guards the change.)"""
    writing.set(True)
    claim = current_claim.get() if claims else None
    pending = claim if claim is not None and not claim.committed else None
    if pending is not None:
        claim_key(pending)
    return work(), pending


def is_deadlock(exc: peewee.OperationalError) -> bool:
    """The database rolled this transaction back to break a deadlock: it may simply run again."""
    cause = exc.__cause__ or exc
    if getattr(cause, "pgcode", None) in POSTGRES_RETRYABLE:
        return True
    return bool(cause.args) and cause.args[0] in MYSQL_RETRYABLE


def unit_of_work(db: peewee.Database, writes: bool, work: Callable[[], T]) -> T:
    """`work()` in a transaction (a write one when `writes`, or when it asks), on a connection
    borrowed from the pool for the call."""

    def attempt(as_write: bool) -> T:
        if not as_write:
            writing.set(False)
            with db.atomic():
                return work()
        with write_transaction(db):
            result, claimed = write_step(work, claims=writes)
        if claimed is not None:
            claimed.committed = True
        return result

    with db.connection_context():
        for retry in range(DEADLOCK_RETRIES, -1, -1):
            try:
                try:
                    return attempt(writes)
                except WriteNeeded:
                    return attempt(True)
            except peewee.OperationalError as exc:
                if not retry or not is_deadlock(exc):
                    raise
                logger.info("transaction chosen as a deadlock victim: running it again")
    raise AssertionError("unreachable")
