"""The database-thread boundary: a door's domain work run in a worker thread, as one unit of
work (domain/unit_of_work.py), without blocking the event loop.

Reads run in the pool's threads, as many at once as DB_POOL_SIZE. Writes on SQLite go to the
process's one writer thread, which commits the writes waiting together (runtime/group_commit.py),
or, for a point write alone, run on the event loop itself; on PostgreSQL and MySQL they run in
the pool's threads like reads, each in its own transaction.
A database that cannot be reached becomes `Unavailable` (REST answers a clean 503), never a
driver's message.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio.to_thread
import peewee
from playhouse.pool import MaxConnectionsExceeded
from starlette.requests import Request

from domain.errors import Unavailable
from domain.unit_of_work import unit_of_work
from runtime.loop_reader import NOT_HERE
from runtime.services import Services, services_of

P = ParamSpec("P")
T = TypeVar("T")
UNREACHABLE = (peewee.OperationalError, peewee.InterfaceError, MaxConnectionsExceeded)

logger = logging.getLogger("todo_api.db")


async def read(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await run(services_of(request), False, work, *args, **kwargs)


async def read_now(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """A point read (a few rows by key): on SQLite on the event loop itself, with no thread hop
    (runtime/loop_reader.py); where it cannot run there without waiting, like `read`."""
    reader = services_of(request).loop_reader
    if reader is not None:
        try:
            return reader.run(functools.partial(work, *args, **kwargs))
        except NOT_HERE:
            pass
    return await read(request, work, *args, **kwargs)


async def write(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await run(services_of(request), True, work, *args, **kwargs)


async def write_now(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await point_write(services_of(request), work, *args, **kwargs)


async def point_write(services: Services, work: Callable[..., T], *args: object, **kwargs: object) -> T:
    """A point write (one task or list: a few rows by key): on SQLite on the event loop itself
    when it is the process's only write and no other process holds the write lock
    (runtime/group_commit.py `write_here`); otherwise like `write`. Not for a write of many rows,
    which would hold the loop meanwhile."""
    return await call_unit(services, True, functools.partial(work, *args, **kwargs), here=True)


async def run(services: Services, writes: bool, work: Callable[..., T], *args: object, **kwargs: object) -> T:
    """`work(*args, **kwargs)` as one unit of work (a write one when `writes`) in a database
    thread; the way background work reaches the database too, having no request."""
    return await call_unit(services, writes, functools.partial(work, *args, **kwargs))


async def call_unit(services: Services, writes: bool, call: Callable[[], T], here: bool = False) -> T:
    """`call()` as one unit of work; a write on the loop's thread when `here` and it can be."""
    queued = time.perf_counter()
    began = queued

    def in_thread() -> T:
        nonlocal began
        began = time.perf_counter()
        return unit_of_work(services.db, writes, call)

    try:
        if writes and services.writer is not None:
            written = services.writer.write_here(call) if here else None
            if written is None:
                written = await services.writer.write(call)
            began = written.began or queued
            if written.error is not None:
                raise written.error
            result: T = written.result
        else:
            result = await anyio.to_thread.run_sync(in_thread, limiter=services.db_limiter)
        if writes:
            services.hub.poke()  # its events, if it made any, reach this process's streams now
        return result
    except UNREACHABLE as exc:
        logger.error("database unavailable: %s: %s", type(exc).__name__, exc)
        raise Unavailable("Database unavailable, try again shortly") from None
    finally:
        if services.metrics is not None:
            kind = "write" if writes else "read"
            services.metrics.pool_waits.labels(kind).observe(began - queued)
            services.metrics.db_calls.labels(kind).observe(time.perf_counter() - began)
