"""Requests at once, for the tests of a door's places (/mcp's exchanges, CalDAV's places):
several threads calling the in-process app, and how many of them a wrapped part held at once."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio


class Overlap:
    """The most calls inside `held()` at once."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            await anyio.sleep(0.05)  # long enough for every call to have arrived
            yield
        finally:
            self.inside -= 1


def at_once(work: Callable[[int], None], count: int) -> None:
    """`work(0)` to `work(count - 1)`, each in a thread of its own, all started before any is joined."""
    threads = [threading.Thread(target=work, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
