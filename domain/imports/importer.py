"""A checked import written (inside a write database call), all of it or nothing: the user's row
locked first as for any change, then the lists (found by name, made when missing), then each
task through domain/tasks.py's `new_task`, as POST /api/tasks makes one (its version, its
change in the feed, its task.created event, its reminders armed), with its place worked out
here once for all: its list, its parent, its position after the siblings before it. The
lists' counts are added once per list at the end.

A task the user has already (by UID, or by list, title, parent and due date for sources
without ids) is skipped, and its subtasks in the file go under the user's. A dry run writes
everything in a savepoint and rolls it back, so it answers exactly what the import would.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from domain import positions
from domain.changes import ChangeSet, begin_change, chunks
from domain.errors import Invalid
from domain.events import LIST_CREATED, LIST_UPDATED
from domain.imports import own
from domain.imports.plan import Plan, PlannedTask
from domain.imports.records import Problem, SourceList
from domain.lists import MAX_LISTS, inbox_id, new_list
from domain.principal import Principal
from domain.tasks import ClientCopy, Kept, new_task
from domain.tree import MAX_DEPTH, Place, ancestors
from models import Task, TodoList, bound_database, utc_now
from models.queries import last_key

MAX_PROBLEMS = 500


class ImportProblem(BaseModel):
    where: str = Field(description="file:line (CSV), the JSON path (tasks[3]), or the file")
    detail: str


class ImportOut(BaseModel):
    """What an import did (or, for a dry run, would do)."""

    lists_created: int
    tasks_created: int
    tasks_skipped: int = Field(description="already yours: the same uid, or list, title, parent and due date")
    problems: list[ImportProblem] = Field(description="what was imported with a change, and why")


@dataclass(frozen=True)
class Report:
    lists_created: int
    tasks_created: int
    tasks_skipped: int
    problems: list[Problem]

    def json(self) -> dict[str, Any]:
        shown = [problem.json() for problem in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            more = len(self.problems) - MAX_PROBLEMS
            shown.append({"where": "", "detail": f"and {more} more problems like these"})
        return {
            "lists_created": self.lists_created,
            "tasks_created": self.tasks_created,
            "tasks_skipped": self.tasks_skipped,
            "problems": shown,
        }


def import_plan(principal: Principal, plan: Plan, dry_run: bool) -> Report:
    """Write `plan` for the caller; with `dry_run`, what writing it would do, and nothing written."""
    with bound_database().atomic() as savepoint:
        report = write(begin_change(principal), plan)
        if dry_run:
            savepoint.rollback()
    return report


def write(change: ChangeSet, plan: Plan) -> Report:
    list_ids, made = resolved_lists(change, plan)
    existing = Existing(change.user.id, plan.tasks, {list_ids[key] for key in list_ids} - made)
    places = Places(made)
    ids: dict[str, int] = {}  # each task of the file: the id it has now (made, or the user's)
    levels: dict[str, int] = {}
    lists_of: dict[str, int] = {}
    counts: Counter[tuple[int, bool]] = Counter()
    skipped = 0
    for planned in plan.tasks:
        task = planned.source
        parent_id = None if task.parent_ref is None else ids[task.parent_ref]
        list_id = list_ids[task.list_key] if task.parent_ref is None else lists_of[task.parent_ref]
        found = existing.match(planned, list_id, parent_id)
        if found is not None:
            ids[task.ref], lists_of[task.ref] = found.id, found.list_id
            under_parent = found.parent_id is not None and found.parent_id == parent_id
            levels[task.ref] = levels[str(task.parent_ref)] + 1 if under_parent else len(ancestors(found))
            skipped += 1
            continue
        level = 1 if task.parent_ref is None else levels[task.parent_ref] + 1
        if level > MAX_DEPTH:
            msg = f"Under the task you have already, it would nest deeper than {MAX_DEPTH} levels"
            field = "parent_id" if task.where.file is None else None
            raise Invalid.at(tuple(task.where.loc(field)), msg, "too_deep")
        place = Place(list_id, parent_id)
        copy = None if task.uid is None else ClientCopy(task.uid)
        made_task, _ = new_task(
            change,
            planned.fields,
            place,
            places.next_key(place),
            copy,
            Kept(task.created_at, task.completed_at),
        )
        places.made_parent(made_task.id)
        ids[task.ref], lists_of[task.ref], levels[task.ref] = made_task.id, list_id, level
        counts[(list_id, bool(made_task.completed))] += 1
    for list_id in sorted({list_id for list_id, _ in counts}):
        open_tasks = counts[(list_id, False)]
        change.counted(list_id, open_tasks + counts[(list_id, True)], open_tasks)
    created = len(ids) - skipped
    return Report(len(made), created, skipped, plan.problems)


def resolved_lists(change: ChangeSet, plan: Plan) -> tuple[dict[str, int], set[int]]:
    """The id of each list of the file: the user's list of that name (any case; the file's
    default list is the user's), or a new one; and the ids made. A new list goes right after
    the file's list before it (the file's first ones: right before the first of its lists the
    user has, or after the user's last), so the file's order is kept among its lists."""
    default_id = inbox_id(change)
    user_id = change.user.id
    rows = list(
        TodoList.select(TodoList.id, TodoList.name_key, TodoList.position).where(TodoList.user == user_id)
    )
    mine = {row.name_key: row.id for row in rows}
    keys = sorted(str(row.position) for row in rows)
    position_of = {row.id: str(row.position) for row in rows}
    ids: dict[str, int] = {}
    made: set[int] = set()
    before_any: list[SourceList] = []  # new lists before the first the user has
    previous: str | None = None  # the position of the file's list before this one
    for source_list in plan.lists:
        if source_list.default:
            found: int | None = default_id
            if plan.format == own.FORMAT:
                take_name(change, default_id, source_list, mine)
        else:
            found = mine.get(source_list.name.lower())
        if found is None:
            if previous is None:
                before_any.append(source_list)
                continue
            previous = place_list(change, source_list, previous, keys, position_of, mine, ids, made)
            continue
        ids[source_list.key] = found
        if before_any:
            at = keys.index(position_of[found])
            after = keys[at - 1] if at else None
            for waiting in before_any:
                after = place_list(change, waiting, after, keys, position_of, mine, ids, made)
            before_any = []
        previous = position_of[found]
    last = keys[-1] if keys else None
    for waiting in before_any:
        last = place_list(change, waiting, last, keys, position_of, mine, ids, made)
    return ids, made


def place_list(
    change: ChangeSet,
    source_list: SourceList,
    after: str | None,
    keys: list[str],
    position_of: dict[int, str],
    mine: dict[str, int],
    ids: dict[str, int],
    made: set[int],
) -> str:
    """A new list right after position `after` (None: first); its position."""
    if len(mine) >= MAX_LISTS:
        msg = f"Importing its lists would give you more than {MAX_LISTS} lists"
        field = "name" if source_list.where.file is None else None
        raise Invalid.at(tuple(source_list.where.loc(field)), msg, "too_many_lists")
    at = bisect.bisect_right(keys, after) if after is not None else 0
    key = positions.between(after, keys[at] if at < len(keys) else None)
    todo_list = new_list(change, source_list.name, source_list.color, key)
    change.emit_list(LIST_CREATED, todo_list)
    keys.insert(at, key)
    position_of[todo_list.id] = key  # a later list of the file may name it again (any case)
    mine[todo_list.name_key] = ids[source_list.key] = todo_list.id
    made.add(todo_list.id)
    return key


def take_name(change: ChangeSet, default_id: int, source_list: SourceList, mine: dict[str, int]) -> None:
    """The export's default list names the user's while it has no tasks (a fresh account's
    Inbox), unless another of the user's lists has that name."""
    inbox = TodoList.get_by_id(default_id)
    taken = mine.get(source_list.name.lower(), default_id) != default_id
    changed = [
        name
        for name, value in (("name", source_list.name), ("color", source_list.color))
        if getattr(inbox, name) != value
    ]
    if inbox.task_count or taken or not changed:
        return
    del mine[inbox.name_key]
    inbox.name, inbox.name_key, inbox.color = source_list.name, source_list.name.lower(), source_list.color
    mine[inbox.name_key] = inbox.id
    inbox.updated_at = utc_now()
    change.list_written(inbox)
    inbox.save()
    change.emit_list(LIST_UPDATED, inbox, changed)


class Places:
    """The position key of each new task: after the last of its siblings so far (read once per
    place from the database, unless the place is new: a list or parent made by this import)."""

    def __init__(self, made_lists: set[int]) -> None:
        self.last: dict[Place, str | None] = {}
        self.new_lists = made_lists
        self.new_parents: set[int] = set()

    def made_parent(self, task_id: int) -> None:
        self.new_parents.add(task_id)

    def next_key(self, place: Place) -> str:
        if place not in self.last:
            new = (
                place.list_id in self.new_lists
                if place.parent_id is None
                else place.parent_id in self.new_parents
            )
            self.last[place] = None if new else last_key(place.list_id, place.parent_id)
        key = positions.between(self.last[place], None)
        self.last[place] = key
        return key


class Existing:
    """The user's tasks a task of the file may duplicate: by UID, or by list, parent, title and
    due date (or recurrence) in the lists the user had before the import. Each of the user's
    tasks stands for one task of the file at most."""

    def __init__(self, user_id: str, tasks: list[PlannedTask], list_ids: set[int]) -> None:
        uids = [planned.source.uid for planned in tasks if planned.source.uid is not None]
        self.by_uid: dict[str, Task] = {}
        for some_uids in chunks(uids, 500):
            query = Task.select(Task.id, Task.uid, Task.list, Task.parent).where(
                (Task.user == user_id) & Task.uid.in_(some_uids)
            )
            for row in query:
                self.by_uid[row.uid] = row
        self.by_key: dict[tuple[Any, ...], list[Task]] = defaultdict(list)
        if any(planned.source.uid is None for planned in tasks) and list_ids:
            columns = (Task.id, Task.list, Task.parent, Task.title, Task.due_date, Task.recurrence)
            for chunk in chunks(sorted(list_ids), 500):
                for row in Task.select(*columns).where(Task.list.in_(chunk)).order_by(Task.id):
                    self.by_key[(row.list_id, row.parent_id, row.title, "due", row.due_date)].append(row)
                    self.by_key[(row.list_id, row.parent_id, row.title, "rule", row.recurrence)].append(row)
        self.used: set[int] = set()

    def match(self, planned: PlannedTask, list_id: int, parent_id: int | None) -> Task | None:
        task, fields = planned.source, planned.fields
        if task.uid is not None:
            return self.by_uid.get(task.uid)
        kind, value = ("rule", fields.recurrence) if task.by_rule else ("due", fields.due_date)
        for found in self.by_key.get((list_id, parent_id, fields.title, kind, value), []):
            if found.id not in self.used:
                self.used.add(found.id)
                return found
        return None
