"""The change feed: what changed after a cursor, read from the user's change sequence (inside a
database call; domain/changes.py numbers the changes).

The feed reads the user's current number S first, then the entities numbered after the cursor
and at most S. A change numbered S or less is already visible to that second read; one numbered
later is left for the next request, whose cursor says S. So no change committed after a cursor
was handed out is ever skipped, whatever commits meanwhile on any worker or replica (a global
autoincrement or a timestamp cannot promise that: their numbers are taken before commit).
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import time
from dataclasses import dataclass
from typing import Any

import peewee

from domain.changes import LIST, TASK
from domain.cursors import START, Cursors, Position
from domain.principal import Principal
from domain.users import current_user
from models import Departure, Task, TodoList, Tombstone
from models.queries import tags_by_task
from models.statements import Statement

# The order of kinds within one sequence number: a list before the tasks that are in it.
KIND_RANKS = {LIST: 0, TASK: 1}
MODELS: dict[str, type[Task] | type[TodoList]] = {LIST: TodoList, TASK: Task}


@dataclass(frozen=True)
class Entry:
    position: Position
    kind: str
    op: str  # "upsert" or "delete"
    version: int
    entity: Task | TodoList | None  # the current state, for an upsert


@dataclass(frozen=True)
class FeedPage:
    entries: list[Entry]
    tags: dict[int, list[str]]  # of the tasks in `entries`
    default_list_id: int | None
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
    sources = [live(kind, user.id, after, upto, limit + 1) for kind in KIND_RANKS]
    if cursor is not None:
        sources += [tombstones(kind, user.id, after, upto, limit + 1) for kind in KIND_RANKS]
    entries = list(heapq.merge(*sources, key=lambda entry: entry.position))[: limit + 1]
    has_more = len(entries) > limit
    entries = entries[:limit]
    if has_more:
        next_cursor = cursors.encode(user, entries[-1].position, complete_since)
    else:
        next_cursor = cursors.encode(user, Position.complete(upto), now)
    tags = tags_by_task(entry.entity.id for entry in entries if isinstance(entry.entity, Task))
    return FeedPage(entries, tags, user.default_list_id, next_cursor, has_more)


def after_position(
    seq: peewee.Field, entity_id: peewee.Field, same_rank: bool, since_seq: int, step: int | bool
) -> peewee.ColumnBase:
    """Rows of a kind that come after a position in the feed's order: a later sequence number,
    or the same one and, for the position's own kind, a higher id (`step` is that id), for
    another kind whether it ranks after (`step` is that answer)."""
    same_seq = entity_id > step if same_rank else peewee.Value(step)
    return (seq > since_seq) | ((seq == since_seq) & same_seq)


def live_query(kind: str, same_rank: bool, *values: Any) -> peewee.ModelSelect[Any]:
    user_id, since_seq, _, step, upto, limit = values  # `bounds`: since_seq is bound twice
    model = MODELS[kind]
    position = after_position(model.change_seq, model.id, same_rank, since_seq, step)
    return (
        model.select()
        .where((model.user == user_id) & position & (model.change_seq <= upto))
        .order_by(model.change_seq, model.id)
        .limit(limit)
    )


def tombstones_query(same_rank: bool, *values: Any) -> peewee.ModelSelect[Tombstone]:
    user_id, kind, since_seq, _, step, upto, limit = values  # `bounds`: since_seq is bound twice
    position = after_position(Tombstone.change_seq, Tombstone.entity_id, same_rank, since_seq, step)
    return (
        Tombstone.select(Tombstone.change_seq, Tombstone.entity_id, Tombstone.version)
        .where(
            (Tombstone.user == user_id) & (Tombstone.kind == kind) & position & (Tombstone.change_seq <= upto)
        )
        .order_by(Tombstone.change_seq, Tombstone.entity_id)
        .limit(limit)
    )


# By kind (tombstones: the kind is a value) and whether the cursor's position is of that kind:
# the SQL written once for each.
LIVE = {
    (kind, same): Statement(functools.partial(live_query, kind, same))
    for kind in KIND_RANKS
    for same in (True, False)
}
TOMBSTONES = {same: Statement(functools.partial(tombstones_query, same)) for same in (True, False)}


def bounds(rank: int, since: Position, upto: int, limit: int) -> tuple[Any, ...]:
    """The values of a `live_query` or `tombstones_query` for a kind of `rank`, after its
    user (and kind)."""
    step = since.entity_id if rank == since.rank else rank > since.rank
    return (since.seq, since.seq, step, upto, limit)


def live(kind: str, user_id: str, since: Position, upto: int, limit: int) -> list[Entry]:
    model, rank = MODELS[kind], KIND_RANKS[kind]
    rows = LIVE[kind, rank == since.rank].models(model, user_id, *bounds(rank, since, upto, limit))
    return [Entry(Position(row.change_seq, rank, row.id), kind, "upsert", row.version, row) for row in rows]


def tombstones(kind: str, user_id: str, since: Position, upto: int, limit: int) -> list[Entry]:
    rank = KIND_RANKS[kind]
    rows = TOMBSTONES[rank == since.rank].rows(user_id, kind, *bounds(rank, since, upto, limit))
    return [
        Entry(Position(seq, rank, entity_id), kind, "delete", version, None)
        for seq, entity_id, version in rows
    ]


def purge_tombstones(before: dt.datetime, batch: int = 1000) -> int:
    """Delete about `batch` of the tombstones older than `before` (background/maintenance.py);
    how many went. Bounded by the deletion time of the batch's last one."""
    oldest = Tombstone.select(Tombstone.deleted_at).where(Tombstone.deleted_at < before)
    last = oldest.order_by(Tombstone.deleted_at).offset(batch - 1).limit(1).scalar()
    bound = Tombstone.deleted_at < before if last is None else Tombstone.deleted_at <= last
    return int(Tombstone.delete().where(bound).execute())


def purge_departures(before: dt.datetime, batch: int = 1000) -> int:
    """As `purge_tombstones`, for the departures CalDAV syncs read (models/departures.py)."""
    oldest = Departure.select(Departure.left_at).where(Departure.left_at < before)
    last = oldest.order_by(Departure.left_at).offset(batch - 1).limit(1).scalar()
    bound = Departure.left_at < before if last is None else Departure.left_at <= last
    return int(Departure.delete().where(bound).execute())
