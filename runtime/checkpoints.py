"""SQLite's WAL copied back into the database file beside the writes, not inside one of them.

In WAL mode a commit appends the pages it touched to the WAL. SQLite's own checkpoint copies
them back into the database file, syncing both files, inside the COMMIT that first finds the WAL
longer than `wal_autocheckpoint` pages, and that commit's writes wait for it (bench/README.md,
"Where the time goes"). Here a thread of its own runs a PASSIVE checkpoint after every
`CHECKPOINT_EVERY` commits of the process's writer (runtime/group_commit.py). A passive
checkpoint neither waits for nor blocks a writer or a reader: it copies what no reader still
needs and leaves the rest to the next one.

SQLite's own checkpoint stays, at `models.database.AUTOCHECKPOINT_PAGES`: the WAL starts
over from its beginning only when a write begins and finds every frame copied, which a
steady stream of writes seldom leaves time for, so it is what bounds the WAL's length. What
it has left to copy by then is mostly done.
"""

from __future__ import annotations

import logging
import threading

import peewee

CHECKPOINT_EVERY = 64

logger = logging.getLogger("todo_api.db")


class Checkpointer:
    def __init__(self, db: peewee.Database, every: int = CHECKPOINT_EVERY) -> None:
        self.db = db
        self.every = every
        # Counted by one thread at a time: the writer's, or the loop's for a write it runs, which
        # it runs only when the writer has nothing under way (runtime/group_commit.py).
        self.commits = 0
        self.due = threading.Event()
        self.closing = False
        self.thread = threading.Thread(target=self.serve, name="todo-api-checkpoints", daemon=True)
        self.thread.start()

    def committed(self) -> None:
        """Called after each transaction the writer commits, on its thread or on the loop's."""
        self.commits += 1
        if self.commits % self.every == 0:
            self.due.set()

    def close(self) -> None:
        self.closing = True
        self.due.set()
        self.thread.join()

    def serve(self) -> None:
        while True:
            self.due.wait()
            self.due.clear()
            if self.closing:
                return
            try:
                with self.db.connection_context():
                    self.db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except peewee.DatabaseError as exc:  # the next one tries again; SQLite's own remains
                logger.warning("WAL checkpoint failed: %s", exc)
