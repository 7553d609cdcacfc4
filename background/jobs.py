"""Running the background jobs for as long as the app serves."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import anyio

from migrations import runner
from runtime.services import Services

Job = Callable[[Services], Coroutine[Any, Any, None]]
SCHEMA_POLL_SECONDS = 1.0
# The operating system's randomness, not the `random` module's generator: a job's waits leave
# that generator's state alone (Hypothesis, in the tests, sees a change made beside its draws),
# and forked workers do not wait alike.
JITTER = random.SystemRandom()


def spread(seconds: float, by: float) -> float:
    """`seconds`, up to `by` (a fraction of it) less or more: processes polling alike spread out."""
    return seconds * JITTER.uniform(1 - by, 1 + by)


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


def once_migrated(job: Job) -> Job:
    """`job` started once every migration is applied: a replica started before its migrations
    (AUTO_MIGRATE=false) answers /readyz with 503 meanwhile, and its jobs wait for the tables."""

    async def wait_then_run(services: Services) -> None:
        while True:
            if await anyio.to_thread.run_sync(schema_current, services, limiter=services.db_limiter):
                return await job(services)
            await anyio.sleep(SCHEMA_POLL_SECONDS)

    return wait_then_run


def schema_current(services: Services) -> bool:
    try:
        with services.db.connection_context():
            return not runner.pending(services.db)
    except Exception:  # the database is away: asked again
        return False
