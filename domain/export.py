"""A user's data as one JSON document (GET /api/export, format "todo-api/1"), inside a read
database call: who (email, name, time zone; no token, webhook or hash), every list by position,
every task (completed ones too) as the API shows it, each list's tasks in their tree order
(a parent before its subtasks, siblings by position), which is also the order an import reads
them back in.

The reads run in one transaction but, on PostgreSQL and MySQL, each sees what was committed
before it: a change committed between them could pair a task with a list the document lacks.
Every change raises the user's `tasks_version`, so when it is the same after the reads as
before, the document is one moment's; otherwise it is read again (a few times at most).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Literal

from pydantic import BaseModel, Field

from domain.changes import chunks
from domain.errors import Unavailable
from domain.principal import Principal
from domain.users import current_user
from domain.views import ListOut, TaskOut, iso, list_json, root_url, task_json
from models import Task, TodoList, User, utc_now
from models.queries import tags_by_task, user_by_id

FORMAT = "todo-api/1"
ATTEMPTS = 5


class ExportedUser(BaseModel):
    email: str | None
    name: str | None
    time_zone: str


class ExportOut(BaseModel):
    """Everything of one user's, as POST /api/import reads it back."""

    format: Literal["todo-api/1"]
    exported_at: dt.datetime
    user: ExportedUser
    lists: list[ListOut] = Field(description="by position; the default list has is_default")
    tasks: list[TaskOut] = Field(description="completed ones too; each list's in tree order")


def export_data(principal: Principal) -> dict[str, Any]:
    user = current_user(principal)
    for _ in range(ATTEMPTS):
        document = read_all(user)
        now = user_by_id(user.id)
        if now is not None and now.tasks_version == user.tasks_version:
            return document
        user = now or user
    raise Unavailable("Your tasks kept changing while they were read: try the export again")


def read_all(user: User) -> dict[str, Any]:
    root = root_url()
    lists = list(TodoList.select().where(TodoList.user == user.id).order_by(TodoList.position, TodoList.id))
    tasks = list(Task.select().where(Task.user == user.id))
    tags: dict[int, list[str]] = {}
    for some in chunks([task.id for task in tasks], 500):
        tags.update(tags_by_task(some))
    return {
        "format": FORMAT,
        "exported_at": iso(utc_now()),
        "user": {"email": user.email, "name": user.name, "time_zone": user.time_zone},
        "lists": [list_json(todo_list, user.default_list_id, root) for todo_list in lists],
        "tasks": [task_json(task, tags.get(task.id, []), root) for task in tree_order(lists, tasks)],
    }


def tree_order(lists: list[TodoList], tasks: list[Task]) -> list[Task]:
    """Each list's tasks in turn, depth first: a task, then its subtasks, siblings by position."""
    children: dict[tuple[int, int | None], list[Task]] = defaultdict(list)
    for task in sorted(tasks, key=lambda task: (task.sort_key or "", task.id)):
        children[(task.list_id, task.parent_id)].append(task)
    ordered: list[Task] = []

    def walk(list_id: int, parent_id: int | None) -> None:
        for task in children[(list_id, parent_id)]:
            ordered.append(task)
            walk(list_id, task.id)

    for todo_list in lists:
        walk(todo_list.id, None)
    return ordered
