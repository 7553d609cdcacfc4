"""SQLite's writes of this process, committed together (group commit).

SQLite takes one writer at a time, and a commit costs more than most writes' own statements
(the WAL frames of every page the transaction touched, bench/README.md "Where the time goes").
So one thread runs every write of the process: it takes the writes that are waiting, runs each
in a savepoint of its own inside one transaction, and commits them once. Each is answered only
after that COMMIT, so an acknowledged write is a committed one; one that fails is rolled back
to its savepoint and fails alone, the others going on. A write waits at most for the
transaction before its own. PostgreSQL and MySQL write in parallel transactions instead
(runtime/calls.py).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import peewee

from domain.idempotency import Claim
from domain.unit_of_work import write_step
from models import write_transaction
from runtime.checkpoints import Checkpointer

MAX_BATCH = 64  # writes in one transaction at most: a longer queue goes on in the next one

logger = logging.getLogger("todo_api.db")


@dataclass(eq=False)
class Write:
    """One write waiting for its turn, and what became of it."""

    work: Callable[[], Any]
    context: contextvars.Context  # the caller's (its request, its Idempotency-Key claim)
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    queued: float = field(default_factory=time.perf_counter)
    began: float = 0.0
    result: Any = None
    error: BaseException | None = None
    claim: Claim | None = None  # the Idempotency-Key this write claimed, committed with it


STOP = object()  # what `close` queues: the thread ends after the writes before it


class GroupWriter:
    def __init__(self, db: peewee.Database, max_batch: int = MAX_BATCH) -> None:
        self.db = db
        self.max_batch = max_batch
        self.waiting: queue.SimpleQueue[Write | object] = queue.SimpleQueue()
        self.checkpoints = Checkpointer(db)
        self.thread = threading.Thread(target=self.serve, name="todo-api-writer", daemon=True)
        self.thread.start()

    async def write(self, work: Callable[[], Any]) -> Write:
        """`work` run in the next transaction; the write once that transaction committed (its
        `error` set when it failed, alone or with the transaction)."""
        loop = asyncio.get_running_loop()
        write = Write(work, contextvars.copy_context(), loop, loop.create_future())
        self.waiting.put(write)
        return await asyncio.shield(write.future)  # a cancelled caller's write still completes

    def close(self) -> None:
        self.waiting.put(STOP)
        self.thread.join()
        self.checkpoints.close()

    def serve(self) -> None:
        while (first := self.waiting.get()) is not STOP:
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    following = self.waiting.get_nowait()
                except queue.Empty:
                    break
                if following is STOP:
                    self.waiting.put(STOP)
                    break
                batch.append(following)
            self.commit([write for write in batch if isinstance(write, Write)])

    def commit(self, batch: list[Write]) -> None:
        """One transaction for the batch: each write in a savepoint, one COMMIT; then each
        caller is answered."""
        alone = len(batch) == 1
        try:
            with self.db.connection_context(), write_transaction(self.db):
                for write in batch:
                    write.began = time.perf_counter()
                    write.context.run(self.step, write, alone)
        except Exception as exc:  # the lone write failed, or BEGIN or COMMIT: nothing committed
            for write in batch:
                write.error = write.error or exc
        self.checkpoints.committed()
        for write in batch:
            if write.error is None and write.claim is not None:
                write.claim.committed = True
        for loop in {write.loop for write in batch}:  # one wake-up of each loop for the group
            loop.call_soon_threadsafe(settle, [write for write in batch if write.loop is loop])

    def step(self, write: Write, alone: bool) -> None:
        """One write, in a savepoint of its own when others share its transaction (peewee's
        nested atomic): undone alone when it fails. A lone write's failure undoes the whole
        transaction (it raises out of it), which costs no savepoint."""
        if alone:
            write.result, write.claim = write_step(write.work)
            return
        try:
            with self.db.atomic():
                write.result, write.claim = write_step(write.work)
        except Exception as exc:
            write.error = exc


def settle(writes: list[Write]) -> None:
    for write in writes:
        if not write.future.done():
            write.future.set_result(write)
