"""TODO: runtime/calls.py"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio.to_thread
import peewee
from playhouse.pool import MaxConnectionsExceeded
from starlette.requests import Request

from domain.idempotency import claim_key, current_claim
from domain.unit_of_work import DEADLOCK_RETRIES, WriteNeeded, is_deadlock, writing
from handlers.http.errors import service_unavailable
from models import write_transaction
from runtime.services import Services, services_of

P = ParamSpec("P")
T = TypeVar("T")
UNREACHABLE = (peewee.OperationalError, peewee.InterfaceError, MaxConnectionsExceeded)


async def read(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await run(services_of(request), False, work, *args, **kwargs)


async def write(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await run(services_of(request), True, work, *args, **kwargs)


async def run(services: Services, writes: bool, work: Callable[..., T], *args: object, **kwargs: object) -> T:
    """`work` in a transaction (a write one when `writes`), in a database thread; the way
    background work reaches the database too, having no request."""
    db = services.db
    queued = time.perf_counter()
    began = queued

    claim = current_claim.get() if writes else None

    def attempt(as_write: bool) -> T:
        writing.set(as_write)
        # The request's Idempotency-Key, claimed in its first write, with the change it guards.
        pending = claim if as_write and claim is not None and not claim.committed else None
        with write_transaction(db) if as_write else db.atomic():
            if pending is not None:
                claim_key(pending)
            result = work(*args, **kwargs)
        if pending is not None:
            pending.committed = True
        return result

    def in_transaction() -> T:
        nonlocal began
        began = time.perf_counter()
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

    try:
        limiter = services.write_limiter if writes else services.db_limiter
        result = await anyio.to_thread.run_sync(in_transaction, limiter=limiter)
        if writes:
            services.hub.poke()  # its events, if it made any, reach this process's streams now
        return result
    except UNREACHABLE as exc:
        logger.error("database unavailable: %s: %s", type(exc).__name__, exc)
        raise service_unavailable() from None
    finally:
        if services.metrics is not None:
            kind = "write" if writes else "read"
            services.metrics.pool_waits.labels(kind).observe(began - queued)
            services.metrics.db_calls.labels(kind).observe(time.perf_counter() - began)
