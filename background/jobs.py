"""Running the background jobs for as long as the app serves."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import anyio

from handlers.common.services import Services

Job = Callable[[Services], Coroutine[Any, Any, None]]


@asynccontextmanager
async def running(services: Services, jobs: list[Job]) -> AsyncIterator[None]:
    """Each job started in a task of its own; all of them cancelled when the app stops."""
    async with anyio.create_task_group() as group:
        for job in jobs:
            group.start_soon(job, services)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
