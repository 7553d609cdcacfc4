"""Running a handler's database work in a worker thread, in one transaction, on one connection.

The connection is borrowed from the pool for the call and returned at its end. A database
that cannot be reached becomes a clean 503, never a 500 with a driver's message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio.to_thread
import peewee
from playhouse.pool import MaxConnectionsExceeded
from starlette.requests import Request

from handlers.common.errors import service_unavailable
from handlers.common.services import services_of
from models import write_transaction

P = ParamSpec("P")
T = TypeVar("T")
UNREACHABLE = (peewee.OperationalError, peewee.InterfaceError, MaxConnectionsExceeded)

logger = logging.getLogger("todo_api.db")


async def read(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await run(request, False, work, *args, **kwargs)


async def write(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await run(request, True, work, *args, **kwargs)


async def run(request: Request, writes: bool, work: Callable[..., T], *args: object, **kwargs: object) -> T:
    services = services_of(request)
    db = services.db

    def in_transaction() -> T:
        with db.connection_context(), write_transaction(db) if writes else db.atomic():
            return work(*args, **kwargs)

    try:
        return await anyio.to_thread.run_sync(in_transaction, limiter=services.db_limiter)
    except UNREACHABLE as exc:
        logger.error("database unavailable: %s: %s", type(exc).__name__, exc)
        raise service_unavailable() from None
