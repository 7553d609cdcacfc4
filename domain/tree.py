"""Where a task is: its list, its parent, and its position among its siblings (inside a
database call).

The rules, written once for creating, updating and moving: a subtask is in its parent's list;
a task is at most MAX_DEPTH levels deep (a top-level task is level 1) and never under itself;
siblings (the tasks of one list under one parent) sort by their position keys, and placing a
task writes that task's key only (domain/positions.py), its subtasks keeping theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from domain import positions
from domain.changes import ChangeSet, chunks, with_subtasks
from domain.errors import Invalid
from domain.events import TASK_COMPLETED, TASK_UPDATED
from domain.lists import inbox_id
from domain.reminders import disarm
from models import Task, TodoList
from models.queries import last_key

MAX_DEPTH = 4
LAST = object()  # `after` not given: the task goes after its last sibling


@dataclass(frozen=True)
class Place:
    list_id: int
    parent_id: int | None


def place_of(task: Task) -> Place:
    return Place(task.list_id, task.parent_id)


def destination(
    change: ChangeSet, current: Place | None, sent: dict[str, int | None], task: Task | None = None
) -> Place:
    """Where `task` goes (None: a new task) given the `list_id` and `parent_id` sent, each
    present in `sent` only when the client sent it. `current` is where it is now (None: a new
    task, which is a top-level task of the default list unless told otherwise)."""
    parent_id = sent.get("parent_id", current.parent_id if current else None)
    list_id = sent.get("list_id")
    if list_id is not None:
        require_list(change, list_id)
        if current is not None and "parent_id" not in sent and list_id != current.list_id:
            parent_id = None  # a task moved to another list leaves its parent behind
    if parent_id is None:
        if list_id is not None:
            return Place(list_id, None)
        return Place(current.list_id, None) if current else Place(inbox_id(change), None)
    parent = Task.get_or_none((Task.id == parent_id) & (Task.user == change.user.id))
    if parent is None:
        raise invalid("parent_id", f"Task {parent_id} is not one of your tasks", "task_unknown")
    if list_id is not None and list_id != parent.list_id:
        raise invalid("list_id", "A subtask is in its parent's list: leave list_id out", "list_mismatch")
    ancestry = ancestors(parent)
    if task is not None and task.id in ancestry:
        raise invalid("parent_id", "A task cannot be under itself or one of its subtasks", "cycle")
    height = 1 if task is None else subtree_height(task.id)
    if len(ancestry) + height > MAX_DEPTH:
        raise invalid("parent_id", f"Tasks nest at most {MAX_DEPTH} levels deep", "too_deep")
    return Place(parent.list_id, parent.id)


def require_list(change: ChangeSet, list_id: int) -> None:
    if not TodoList.select().where((TodoList.id == list_id) & (TodoList.user == change.user.id)).exists():
        raise invalid("list_id", f"List {list_id} is not one of your lists", "list_unknown")


def ancestors(task: Task) -> list[int]:
    """The ids of `task` and of each task above it, up to the top."""
    chain = [task.id]
    parent_id = task.parent_id
    while parent_id is not None and len(chain) <= MAX_DEPTH:
        chain.append(parent_id)
        parent_id = Task.select(Task.parent).where(Task.id == parent_id).scalar()
    return chain


def subtree_height(task_id: int) -> int:
    """How many levels the task and its subtasks take (1: no subtasks)."""
    height, level = 1, [task_id]
    while level := [task.id for task in Task.select(Task.id).where(Task.parent.in_(level))]:
        height += 1
    return height


def move_to(
    change: ChangeSet, task: Task, sent: dict[str, int | None], after: int | object | None
) -> list[str]:
    """Put `task` where `sent` (`list_id`, `parent_id`) and `after` say, its subtasks with it;
    which of its `list_id`, `parent_id` and `position` changed. The lists' counts follow."""
    return placed(change, task, destination(change, place_of(task), sent, task), after)


def move_elsewhere(change: ChangeSet, task: Task, sent: dict[str, int | None]) -> list[str]:
    """PUT and PATCH: after the last of its new siblings, when `sent` names another place
    (the task's own list or parent sent again leaves it where it is)."""
    if not sent:
        return []
    new = destination(change, place_of(task), sent, task)
    return [] if new == place_of(task) else placed(change, task, new, LAST)


def placed(change: ChangeSet, task: Task, new: Place, after: int | object | None) -> list[str]:
    old = place_of(task)
    key = key_at(change, task, new, after)
    if new.list_id != old.list_id:
        moved, open_moved = move_subtasks(change, task, new.list_id)
        change.counted(old.list_id, -moved, -open_moved)
        change.counted(new.list_id, moved, open_moved)
    changed = [
        name
        for name, before, after_move in (
            ("list_id", old.list_id, new.list_id),
            ("parent_id", old.parent_id, new.parent_id),
            ("position", task.sort_key, key),
        )
        if before != after_move
    ]
    task.list_id, task.parent_id, task.sort_key = new.list_id, new.parent_id, key
    return changed


def new_key(place: Place) -> str:
    """A key after the last of the siblings at `place`: new tasks go last."""
    return positions.between(last_key(place.list_id, place.parent_id), None)


def key_at(change: ChangeSet, task: Task, place: Place, after: int | object | None) -> str:
    """The key that puts `task` right after sibling `after` at `place` (None: first; LAST:
    after the last); its own key when it is there already. A gap used up renumbers the other
    siblings (positions.py)."""
    siblings = sibling_condition(place) & (Task.id != task.id)
    if after is LAST:
        before_key = Task.select(peewee.fn.MAX(Task.sort_key)).where(siblings).scalar()
    elif after is None:
        before_key = None
    else:
        before_key = Task.select(Task.sort_key).where(siblings & (Task.id == after)).scalar()
        if before_key is None:
            msg = f"Task {after} is not a sibling where the task goes (same list and parent)"
            raise invalid("after", msg, "task_unknown")
    bound = siblings if before_key is None else siblings & (Task.sort_key > before_key)
    after_key = Task.select(peewee.fn.MIN(Task.sort_key)).where(bound).scalar()
    current = str(task.sort_key)
    if (
        place == place_of(task)
        and (before_key or "") < current
        and (after_key is None or current < after_key)
    ):
        return str(current)
    try:
        return positions.between(before_key, after_key)
    except positions.GapUsedUp:
        return renumbered(change, siblings, before_key)


def renumbered(change: ChangeSet, siblings: peewee.Expression, before_key: str | None) -> str:
    """Fresh keys for the siblings, leaving a place right after `before_key`: its key."""
    rows = list(Task.select(Task.id, Task.sort_key).where(siblings).order_by(Task.sort_key, Task.id))
    at = 0 if before_key is None else sum(1 for row in rows if str(row.sort_key) <= before_key)
    keys = positions.fresh_keys(len(rows) + 1)
    for row, key in zip(rows, keys[:at] + keys[at + 1 :], strict=True):
        Task.update(sort_key=key, version=Task.version + 1, change_seq=change.sequence()).where(
            Task.id == row.id
        ).execute()
    change.emit_tasks(TASK_UPDATED, [row.id for row in rows], ["position"])
    return keys[at]


def sibling_condition(place: Place) -> peewee.Expression:
    parent = Task.parent.is_null() if place.parent_id is None else Task.parent == place.parent_id
    return (Task.list == place.list_id) & parent


def move_subtasks(change: ChangeSet, task: Task, list_id: int) -> tuple[int, int]:
    """Bring `task`'s subtasks into list `list_id` with it; how many tasks moved, and how many
    of them are open (`task` included)."""
    subtasks = with_subtasks([task.id])[1:]
    change.tasks_departed(task.list_id, [task.id, *subtasks])
    open_subtasks = 0
    for chunk in chunks(subtasks, 500):
        selected = Task.id.in_(chunk)
        open_subtasks += Task.select().where(selected & (Task.completed == False)).count()  # noqa: E712
        moved = Task.update(list=list_id, version=Task.version + 1, change_seq=change.sequence())
        moved.where(selected).execute()
    change.emit_tasks(TASK_UPDATED, subtasks, ["list_id"])
    return 1 + len(subtasks), open_subtasks + (0 if task.completed else 1)


def complete_subtasks(change: ChangeSet, task: Task) -> int:
    """Complete the open subtasks of `task`, at every level; how many."""
    subtasks = with_subtasks([task.id])[1:]
    open_ids = [
        row.id
        for chunk in chunks(subtasks, 500)
        for row in Task.select(Task.id).where(Task.id.in_(chunk) & (Task.completed == False))  # noqa: E712
    ]
    for chunk in chunks(open_ids, 500):
        Task.update(
            completed=True,
            completed_at=task.updated_at,
            updated_at=task.updated_at,
            version=Task.version + 1,
            change_seq=change.sequence(),
        ).where(Task.id.in_(chunk)).execute()
    disarm(open_ids)
    change.emit_tasks(TASK_COMPLETED, open_ids)
    return len(open_ids)


def invalid(field: str, msg: str, error_type: str) -> Invalid:
    return Invalid.at(("body", field), msg, error_type)
