"""The user's change sequence, and the change feed read from it (inside a database call).

Each transaction that changes a user's entities holds the user's row locked from its start
(`current_user(..., for_update=True)`) and raises the row's `tasks_version` by one: that number
is the change's sequence number, and every entity it touches (a task, a tombstone) records it as
`change_seq`. Holding the lock until commit makes the numbers commit in their order: when a
reader sees number S committed, every smaller number has committed too.

The feed reads the user's current number S first, then the entities numbered after the cursor
and at most S. A change numbered S or less is already visible to that second read; one numbered
later is left for the next request, whose cursor says S. So no change committed after a cursor
was handed out is ever skipped, whatever commits meanwhile on any worker or replica (a global
autoincrement or a timestamp cannot promise that: their numbers are taken before commit).
"""

from __future__ import annotations

import datetime as dt
import heapq
import time
from collections.abc import Iterator
from dataclasses import dataclass

import peewee

from handlers.common.crud.users import current_user
from handlers.common.cursors import START, Cursors, Position
from handlers.common.tokens import Principal
from models import Task, Tombstone, User, bound_database, queries, utc_now
from models.database import is_sqlite
from models.queries import tags_by_task

TASK = "task"


class ChangeSet:
    """The change one write transaction makes to one user's entities."""

    def __init__(self, user: User) -> None:
        self.user = user  # locked by the transaction (current_user(..., for_update=True))
        self.seq: int | None = None

    def sequence(self) -> int:
        """This change's number: the user's next, taken on first need, once per transaction."""
        if self.seq is None:
            self.seq = self.user.tasks_version + 1
            queries.SET_TASKS_VERSION.execute(self.seq, self.user.id)
            self.user.tasks_version = self.seq
        return self.seq

    def task_written(self, task: Task, *, created: bool = False) -> None:
        """Number `task`'s change and count its version (1 for a new task)."""
        task.version = 1 if created else task.version + 1
        task.change_seq = self.sequence()

    def tasks_deleted(self, selected: peewee.ModelSelect[Task]) -> int:
        """A tombstone for each task `selected` names, then the tasks themselves; how many."""
        ids = [task.id for task in selected.select(Task.id)]
        if not ids:
            return 0
        seq, now = self.sequence(), utc_now()
        for chunk in chunks(ids, 500):
            forget_reused_ids(TASK, chunk)
            rows = Task.select(
                peewee.Value(TASK), Task.id, Task.user, Task.version + 1, peewee.Value(seq), peewee.Value(now)
            ).where(Task.id.in_(chunk))
            fields = [Tombstone.kind, Tombstone.entity_id, Tombstone.user, Tombstone.version]
            Tombstone.insert_from(rows, [*fields, Tombstone.change_seq, Tombstone.deleted_at]).execute()
            Task.delete().where(Task.id.in_(chunk)).execute()
        return len(ids)


def forget_reused_ids(kind: str, entity_ids: list[int]) -> None:
    """SQLite may give a new row the id of the highest one deleted (its tables have no
    AUTOINCREMENT): such an id can have a tombstone already, which the new one replaces. The
    feed may then list both the old tombstone and the new entity, in that order, which a
    client applying them in order gets right. Other databases never reuse an id."""
    if is_sqlite(bound_database()):
        Tombstone.delete().where((Tombstone.kind == kind) & Tombstone.entity_id.in_(entity_ids)).execute()


def begin_change(principal: Principal) -> ChangeSet:
    """Every change of a user's entities starts here: the user's row, locked."""
    return ChangeSet(current_user(principal, for_update=True))


def chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


KIND_RANKS = {TASK: 0}  # the order of kinds within one sequence number


@dataclass(frozen=True)
class Entry:
    position: Position
    kind: str
    op: str  # "upsert" or "delete"
    version: int
    task: Task | None  # the current state, for an upsert


@dataclass(frozen=True)
class FeedPage:
    entries: list[Entry]
    tags: dict[int, list[str]]  # of the tasks in `entries`
    cursor: str  # what the next request continues from
    has_more: bool


def read_feed(principal: Principal, cursor: str | None, limit: int, cursors: Cursors) -> FeedPage:
    """Entities changed after `cursor` (None: a full sync), each once with its latest state, in
    the order of their last change. A full sync leaves tombstones out: it starts from nothing.

    The next cursor keeps the time since when the client's copy is complete: the start of a
    chain of `has_more` answers, or this answer's time when it holds everything.
    """
    user = current_user(principal)
    upto = user.tasks_version  # read first: every change numbered up to it has committed
    now = int(time.time())
    after, complete_since = cursors.decode(user, cursor) if cursor is not None else (START, now)
    sources = [live_tasks(user.id, after, upto, limit + 1)]
    if cursor is not None:
        sources.append(tombstones(user.id, after, upto, limit + 1))
    entries = list(heapq.merge(*sources, key=lambda entry: entry.position))[: limit + 1]
    has_more = len(entries) > limit
    entries = entries[:limit]
    if has_more:
        next_cursor = cursors.encode(user, entries[-1].position, complete_since)
    else:
        next_cursor = cursors.encode(user, Position.complete(upto), now)
    tags = tags_by_task(entry.task.id for entry in entries if entry.task is not None)
    return FeedPage(entries, tags, next_cursor, has_more)


def after_position(
    seq: peewee.Field, entity_id: peewee.Field, rank: int, since: Position
) -> peewee.ColumnBase:
    """Rows of a kind of `rank` that come after `since` in the feed's order."""
    if rank == since.rank:
        same_seq: peewee.ColumnBase = entity_id > since.entity_id
    else:
        same_seq = peewee.Value(rank > since.rank)
    return (seq > since.seq) | ((seq == since.seq) & same_seq)


def live_tasks(user_id: str, since: Position, upto: int, limit: int) -> list[Entry]:
    rank = KIND_RANKS[TASK]
    rows = (
        Task.select()
        .where(
            (Task.user == user_id)
            & after_position(Task.change_seq, Task.id, rank, since)
            & (Task.change_seq <= upto)
        )
        .order_by(Task.change_seq, Task.id)
        .limit(limit)
    )
    return [
        Entry(Position(task.change_seq, rank, task.id), TASK, "upsert", task.version, task) for task in rows
    ]


def tombstones(user_id: str, since: Position, upto: int, limit: int) -> list[Entry]:
    rank = KIND_RANKS[TASK]
    rows = (
        Tombstone.select()
        .where(
            (Tombstone.user == user_id)
            & (Tombstone.kind == TASK)
            & after_position(Tombstone.change_seq, Tombstone.entity_id, rank, since)
            & (Tombstone.change_seq <= upto)
        )
        .order_by(Tombstone.change_seq, Tombstone.entity_id)
        .limit(limit)
    )
    return [
        Entry(Position(row.change_seq, rank, row.entity_id), row.kind, "delete", row.version, None)
        for row in rows
    ]


def purge_tombstones(before: dt.datetime, batch: int = 1000) -> int:
    """Delete about `batch` of the tombstones older than `before` (background/maintenance.py);
    how many went. Bounded by the deletion time of the batch's last one."""
    oldest = Tombstone.select(Tombstone.deleted_at).where(Tombstone.deleted_at < before)
    last = oldest.order_by(Tombstone.deleted_at).offset(batch - 1).limit(1).scalar()
    bound = Tombstone.deleted_at < before if last is None else Tombstone.deleted_at <= last
    return int(Tombstone.delete().where(bound).execute())
