"""Listing the caller's tasks: filters, sort orders and a page of them (inside a database call)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from domain.principal import Principal
from domain.schemas import TaskListQuery
from domain.users import current_user
from models import PRIORITY_RANKS, Task, TaskTag, bound_database
from models.database import binary_collation
from models.queries import tags_by_task

SORT_COLUMNS: dict[str, peewee.Field] = {
    "created_at": Task.created_at,
    "updated_at": Task.updated_at,
    "due_date": Task.due_date,
    "priority": Task.priority,  # the rank: low < medium < high
    "title": Task.title_key,  # the lower-cased title: case-insensitive
    "order": Task.position,
    "position": Task.sort_key,  # the order within one list and parent
}


@dataclass(frozen=True)
class Listing:
    """A page's tasks, and the key its rendering is cached under (read in the same transaction)."""

    key: PageKey
    total: int
    tasks: list[Task]
    tags: dict[int, list[str]]


def matching(principal: Principal, query: TaskListQuery) -> Listing:
    """A page of the caller's tasks, read whatever is cached (MCP's list_tasks)."""
    user = current_user(principal)
    return listing(user.id, query, ())


def listing(user_id: str, query: TaskListQuery, key: PageKey) -> Listing:
    """At most three queries whatever the page size: the page, the count (not for a first page
    that is not full: it holds every match), and the page's tags."""
    selected = Task.select().where(*filters(user_id, query))
    tasks = list(selected.order_by(*ordering(query.sort)).limit(query.limit).offset(query.offset))
    total = len(tasks) if query.offset == 0 and len(tasks) < query.limit else int(selected.count())
    return Listing(key, total, tasks, tags_by_task(task.id for task in tasks))


def filters(user_id: str, query: TaskListQuery) -> list[peewee.ColumnBase]:
    conditions: list[peewee.ColumnBase] = [Task.user == user_id]
    if query.list_id is not None:
        conditions.append(Task.list == query.list_id)
    if query.parent_id == "none":
        conditions.append(Task.parent.is_null())
    elif query.parent_id is not None:
        conditions.append(Task.parent == query.parent_id)
    if query.completed is not None:
        conditions.append(Task.completed == query.completed)
    if query.status != "all":
        conditions.append(Task.completed == (query.status == "completed"))
    if query.q:
        conditions.append(Task.search_text.contains(query.q.lower()))
    if query.priority:
        conditions.append(Task.priority == PRIORITY_RANKS[query.priority])
    if query.tag:
        tagged = TaskTag.select(TaskTag.task).where((TaskTag.task == Task.id) & (TaskTag.name == query.tag))
        conditions.append(peewee.fn.EXISTS(tagged))
    if query.due_before:
        conditions.append(
            due_condition(Task.due_date < query.due_before, query.due_before == dt.datetime.max)
        )
    if query.due_after:
        conditions.append(due_condition(Task.due_date > query.due_after, query.due_after == dt.datetime.min))
    return conditions


def due_condition(comparison: peewee.Expression, unbounded: bool) -> peewee.Expression:
    """A bound past what UTC can hold comes as the first or last datetime (schemas.DueBound):
    every due date is then within it, the last and first ones included."""
    return Task.due_date.is_null(False) if unbounded else comparison


def ordering(sort: str) -> list[peewee.Ordering]:
    """The sort column (nulls last either way), then the id in the same direction."""
    direction = peewee.Desc if sort.startswith("-") else peewee.Asc
    name = sort.lstrip("-")
    column = SORT_COLUMNS[name]
    collation = binary_collation(bound_database()) if name == "title" else None
    nulls = "LAST" if column.null else None
    return [direction(column, collation=collation, nulls=nulls), direction(Task.id)]


PageKey = tuple[object, ...]
