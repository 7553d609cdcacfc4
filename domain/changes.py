"""The user's change sequence, and what one change writes besides its entities (inside a
database call): tombstones, and the counts of the lists whose tasks it changes.

Each transaction that changes a user's entities holds the user's row locked from its start
(`current_user(..., for_update=True)`) and raises the row's `tasks_version` by one: that number
is the change's sequence number, and every entity it touches (a task, a list, a tombstone)
records it as `change_seq`. Holding the lock until commit makes the numbers commit in their
order: when a reader sees number S committed, every smaller number has committed too (the
change feed, domain/feed.py, relies on it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import peewee

from domain import outbox
from domain.events import LIST_DELETED, TASK_DELETED, EventType
from domain.principal import Principal
from domain.users import current_user
from models import Departure, Task, TodoList, Tombstone, User, bound_database, queries, utc_now

TASK = "task"
LIST = "list"
T = TypeVar("T")


class ChangeSet:
    """The change one write transaction makes to one user's entities."""

    def __init__(self, user: User) -> None:
        self.user = user  # locked by the transaction (current_user(..., for_update=True))
        self.seq: int | None = None

    def emit_task(
        self, event: EventType, task: Task, tags: list[str], changed: list[str] | None = None
    ) -> None:
        """The event of this change for `task` (domain/outbox.py), `changed` naming its fields."""
        outbox.emit_task(self.user, event, task, tags, changed)

    def emit_tasks(self, event: EventType, task_ids: list[int], changed: list[str] | None = None) -> None:
        """The event for each of these tasks, with each one's state as it is now."""
        outbox.emit_tasks(self.user, event, task_ids, changed)

    def emit_list(self, event: EventType, todo_list: TodoList, changed: list[str] | None = None) -> None:
        outbox.emit_list(self.user, event, todo_list, changed)

    def emit(self, event: EventType, data: dict[str, Any], changed: list[str] | None = None) -> None:
        outbox.emit(self.user, event, data, changed)

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

    def list_written(self, todo_list: TodoList, *, created: bool = False) -> None:
        todo_list.version = 1 if created else todo_list.version + 1
        todo_list.change_seq = self.sequence()

    def counted(self, list_id: int, tasks: int, open_tasks: int) -> bool:
        """Add to a list's counts (a change of the list: its version moves); False when the
        list is not the user's."""
        return queries.COUNT_LIST_TASKS.execute(tasks, open_tasks, self.sequence(), list_id, self.user.id) > 0

    def tasks_deleted(self, task_ids: list[int]) -> int:
        """An event (their last state) and a tombstone for each task, then the tasks, then the
        lists' counts; how many went. `task_ids` must hold the subtasks of each
        (`with_subtasks`): the foreign key's cascade would delete them without either."""
        if not task_ids:
            return 0
        self.emit_tasks(TASK_DELETED, task_ids)
        seq, now = self.sequence(), utc_now()
        counts: Counter[tuple[int, bool]] = Counter()
        self.tasks_departed(None, task_ids)
        for chunk in chunks(task_ids, 500):
            rows = Task.select(
                peewee.Value(TASK), Task.id, Task.user, Task.version + 1, peewee.Value(seq), peewee.Value(now)
            ).where(Task.id.in_(chunk))
            fields = [Tombstone.kind, Tombstone.entity_id, Tombstone.user, Tombstone.version]
            Tombstone.insert_from(rows, [*fields, Tombstone.change_seq, Tombstone.deleted_at]).execute()
            grouped = Task.select(Task.list, Task.completed, peewee.fn.COUNT(Task.id)).where(
                Task.id.in_(chunk)
            )
            for list_id, completed, number in bound_database().execute(
                grouped.group_by(Task.list, Task.completed)
            ):
                counts[(list_id, bool(completed))] += number
        for chunk in chunks(task_ids, 500):
            Task.delete().where(Task.id.in_(chunk)).execute()
        for list_id in sorted({list_id for list_id, _ in counts}):
            open_tasks = counts[(list_id, False)]
            self.counted(list_id, -(open_tasks + counts[(list_id, True)]), -open_tasks)
        return len(task_ids)

    def tasks_departed(self, list_id: int | None, task_ids: list[int]) -> None:
        """A departure for each of these tasks from list `list_id` (None: the list each is in),
        which they are leaving in this change (deleted, or moved elsewhere): what a CalDAV sync
        of that list names as gone."""
        seq, now = self.sequence(), utc_now()
        from_list = Task.list if list_id is None else peewee.Value(list_id)
        fields = [Departure.user, Departure.list_id, Departure.uid, Departure.dav_name]
        for chunk in chunks(task_ids, 500):
            rows = Task.select(
                Task.user, from_list, Task.uid, Task.dav_name, peewee.Value(seq), peewee.Value(now)
            ).where(Task.id.in_(chunk))
            Departure.insert_from(rows, [*fields, Departure.change_seq, Departure.left_at]).execute()

    def list_deleted(self, todo_list: TodoList) -> None:
        """An event and a tombstone for the list, then the list (its tasks must be gone or
        moved first)."""
        self.emit_list(LIST_DELETED, todo_list)
        Tombstone.create(
            kind=LIST,
            entity_id=todo_list.id,
            user=self.user.id,
            version=todo_list.version + 1,
            change_seq=self.sequence(),
            deleted_at=utc_now(),
        )
        TodoList.delete().where(TodoList.id == todo_list.id).execute()


def with_subtasks(task_ids: Iterable[int]) -> list[int]:
    """The tasks and all their subtasks, at every level."""
    found = list(dict.fromkeys(task_ids))
    known, level = set(found), found
    while level:
        children = [
            task.id
            for chunk in chunks(level, 500)
            for task in Task.select(Task.id).where(Task.parent.in_(chunk))
            if task.id not in known
        ]
        known.update(children)
        found += children
        level = children
    return found


def begin_change(principal: Principal) -> ChangeSet:
    """Every change of a user's entities starts here: the user's row, locked."""
    return ChangeSet(current_user(principal, for_update=True))


def chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
