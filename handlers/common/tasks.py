"""Task pieces several handlers share: the id in the path, ownership, changes, tags, JSON."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request

from handlers.common.auth import current_user
from handlers.common.errors import not_found, validation_error
from handlers.common.responses import iso
from handlers.common.schemas import INT64_MAX, TaskPatch
from handlers.common.tokens import Principal
from models import PRIORITY_NAMES, PRIORITY_RANKS, Task, TaskTag, queries, utc_now


def tasks_changed(user_id: str) -> None:
    """Raise the user's tasks_version, in the write's own transaction: cached lists go stale.
    Every write to a user's tasks calls this."""
    queries.RAISE_TASKS_VERSION.execute(user_id)


def task_paths(suffix: str = "") -> tuple[str, str]:
    """Both route shapes: the caller's own tasks, and the Phase II `/api/{user_id}` prefix."""
    return f"/api/tasks{suffix}", f"/api/{{user_id}}/tasks{suffix}"


def task_id_from_path(request: Request) -> int:
    """The `{task_id}`: 422 when not an integer, 404 when out of any id's range."""
    raw = request.path_params["task_id"]
    if not raw.isascii() or not raw.isdigit():
        raise validation_error(("path", "task_id"), "Input should be a valid integer", "int_parsing")
    task_id = int(raw)
    if not 1 <= task_id <= INT64_MAX:
        raise not_found("Task not found")
    return task_id


def owned_task(user_id: str, task_id: int, *, for_update: bool = False) -> Task:
    """The task if it exists and belongs to `user_id`; 404 either way otherwise. `for_update`
    locks the row (queries.task_of_user)."""
    task = queries.task_of_user(task_id, user_id, for_update=for_update)
    if task is None:
        raise not_found("Task not found")
    return task


def apply_changes(task: Task, changes: TaskPatch, now: dt.datetime) -> list[str] | None:
    """Set the fields sent in `changes` on `task`; returns the new tags when they were sent."""
    sent = changes.model_fields_set
    for name in ("title", "description", "due_date"):
        if name in sent:
            setattr(task, name, getattr(changes, name))
    if "priority" in sent:
        task.priority = PRIORITY_RANKS[changes.priority]
    if "order" in sent:
        task.position = changes.order
    if "completed" in sent:
        set_completed(task, changes.completed, now)
    task.title_key = task.title.lower()
    task.search_text = searchable(task.title, task.description)
    task.updated_at = now
    return changes.tags if "tags" in sent else None


def set_completed(task: Task, completed: bool, now: dt.datetime) -> None:
    """`completed_at` is set when a task becomes completed, kept if it already was, cleared on reopen."""
    if completed and not task.completed:
        task.completed_at = now
    elif not completed:
        task.completed_at = None
    task.completed = completed


def searchable(title: str, description: str | None) -> str:
    return f"{title}\n{description or ''}".lower()


def new_task(user_id: str) -> Task:
    now = utc_now()
    return Task(user=user_id, created_at=now, updated_at=now)


def replace_tags(task_id: int, tags: list[str]) -> None:
    TaskTag.delete().where(TaskTag.task == task_id).execute()
    queries.insert_tags(task_id, tags)


def tags_by_task(task_ids: Iterable[int]) -> dict[int, list[str]]:
    """Every task's tags in one query, in the order they were given."""
    tags: dict[int, list[str]] = defaultdict(list)
    for task_id, name in queries.tags_of_tasks(list(task_ids)):
        tags[task_id].append(name)
    return tags


def task_json(task: Task, tags: list[str], base_url: str) -> dict[str, Any]:
    return {
        "id": task.id,
        "user_id": task.user_id,
        "title": task.title,
        "description": task.description,
        "completed": bool(task.completed),
        "completed_at": iso(task.completed_at),
        "priority": PRIORITY_NAMES[task.priority],
        "due_date": iso(task.due_date),
        "tags": tags,
        "order": task.position,
        "url": task_url(base_url, task.id),
        "created_at": iso(task.created_at),
        "updated_at": iso(task.updated_at),
    }


def task_url(base_url: str, task_id: int) -> str:
    return f"{base_url}api/tasks/{task_id}"


def base_url(request: Request) -> str:
    """The service's root URL as the client reached it (proxy headers applied by the middleware)."""
    return str(request.base_url)


def save_changes(task: Task, tags: list[str] | None) -> list[str]:
    """Update `task`, and its tags when given; returns the task's tags."""
    queries.update_task_row(task)
    if tags is not None:
        replace_tags(task.id, tags)
        return tags
    return tags_by_task([task.id])[task.id]


def update_task(principal: Principal, task_id: int, changes: TaskPatch) -> tuple[Task, list[str]]:
    """PUT and PATCH: apply the fields sent to the caller's task (run inside a database call)."""
    user_id = current_user(principal).id
    tasks_changed(user_id)  # first: it locks the user's row, so concurrent edits queue here
    task = owned_task(user_id, task_id, for_update=True)
    tags = apply_changes(task, changes, utc_now())
    return task, save_changes(task, tags)
