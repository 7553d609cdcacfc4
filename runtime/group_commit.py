"""SQLite's writes of this process, committed together (group commit), or on the event loop when
one is alone.

SQLite takes one writer at a time, and a commit costs more than most writes' own statements
(the WAL frames of every page the transaction touched, bench/README.md "Where the time goes").
So one thread runs every write of the process: it takes the writes that are waiting, runs each
in a savepoint of its own inside one transaction, and commits them once. Each is answered only
after that COMMIT, so an acknowledged write is a committed one; one that fails is rolled back
to its savepoint and fails alone, the others going on. A write waits at most for the
transaction before its own. PostgreSQL and MySQL write in parallel transactions instead
(runtime/calls.py).

A point write (one task or list: `calls.write_now`) that finds no other write of the process
queued or under way runs on the event loop's thread instead, without the hop to the writer's
thread and back, which costs about as much as the write's own statements. It never waits there:
when another process holds the write lock it goes to the writer's thread, which waits its turn.
"""

from __future__ import annotations

import asyncio
import contextlib
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
from domain.unit_of_work import ThreadNeeded, on_loop, write_step
from models import write_transaction
from models.database import impatient
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
    def __init__(self, db: peewee.Database, patience_ms: int, max_batch: int = MAX_BATCH) -> None:
        self.db = db
        self.patience_ms = patience_ms  # the connections' busy timeout (DB_TIMEOUT_SECONDS)
        self.max_batch = max_batch
        self.waiting: queue.SimpleQueue[Write | object] = queue.SimpleQueue()
        # Writes handed to the writer's thread and not yet answered; counted on the event loop's
        # thread alone (in `write` and `settle`), so `write_here` reads it exactly.
        self.pending = 0
        self.checkpoints = Checkpointer(db)
        self.thread = threading.Thread(target=self.serve, name="todo-api-writer", daemon=True)
        self.thread.start()

    async def write(self, work: Callable[[], Any]) -> Write:
        """`work` run in the next transaction; the write once that transaction committed (its
        `error` set when it failed, alone or with the transaction)."""
        loop = asyncio.get_running_loop()
        write = Write(work, contextvars.copy_context(), loop, loop.create_future())
        self.pending += 1
        self.waiting.put(write)
        return await asyncio.shield(write.future)  # a cancelled caller's write still completes

    def write_here(self, work: Callable[[], Any]) -> Write | None:
        """`work` run and committed on the calling thread, the event loop's, when no write of the
        process is waiting or under way; None when it did not run: `pending` writes, or another
        process holding the write lock (the connection's busy timeout is off meanwhile, so that
        BEGIN fails at once instead of blocking the loop).

        The loop's thread holds a connection of the pool for the call (models/database.py
        counts it); it holds none otherwise.
        """
        if self.pending:
            return None
        loop = asyncio.get_running_loop()
        write = Write(work, contextvars.copy_context(), loop, loop.create_future())
        try:
            with (
                self.db.connection_context(),
                impatient(self.db, self.patience_ms),
                contextlib.ExitStack() as transaction,
            ):
                try:
                    transaction.enter_context(write_transaction(self.db))
                except peewee.OperationalError:  # another process writes: nothing began here
                    return None
                write.began = time.perf_counter()
                write.result, write.claim = write.context.run(step_on_loop, work)
        except ThreadNeeded:  # rolled back: the writer's thread runs it again
            return None
        except Exception as exc:  # the work or its COMMIT failed: rolled back
            write.error = exc
        if write.error is None and write.claim is not None:
            write.claim.committed = True
        self.checkpoints.committed()
        return write

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
            loop.call_soon_threadsafe(self.settle, [write for write in batch if write.loop is loop])

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

    def settle(self, writes: list[Write]) -> None:
        self.pending -= len(writes)
        for write in writes:
            if not write.future.done():
                write.future.set_result(write)


def step_on_loop(work: Callable[[], Any]) -> tuple[Any, Claim | None]:
    on_loop.set(True)
    return write_step(work)
