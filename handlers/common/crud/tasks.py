"""Tasks: the rules of reading and changing one task or many (inside a database call)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from handlers.common.crud.users import current_user, tasks_changed
from handlers.common.errors import not_found
from handlers.common.schemas import TaskCreate, TaskPatch
from handlers.common.tokens import Principal
from models import PRIORITY_RANKS, Task, TaskTag, queries, utc_now

TaskWithTags = tuple[Task, list[str]]


def owned_task(user_id: str, task_id: int, *, for_update: bool = False) -> Task:
    """The task if it exists and belongs to `user_id`; 404 either way otherwise. `for_update`
    locks the row (queries.task_of_user)."""
    task = queries.task_of_user(task_id, user_id, for_update=for_update)
    if task is None:
        raise not_found("Task not found")
    return task


def read_task(principal: Principal, task_id: int) -> TaskWithTags:
    task = owned_task(current_user(principal).id, task_id)
    return task, tags_by_task([task.id])[task.id]


def create_task(principal: Principal, fields: TaskCreate) -> TaskWithTags:
    now = utc_now()
    task = Task(user=current_user(principal).id, created_at=now, updated_at=now)
    tasks_changed(task.user_id)
    tags = apply_changes(task, fields, now) or []
    queries.insert_task_row(task)
    queries.insert_tags(task.id, tags)
    return task, tags


def update_task(principal: Principal, task_id: int, changes: TaskPatch) -> TaskWithTags:
    """PUT and PATCH: apply the fields sent to the caller's task."""
    task = locked_task(principal, task_id)
    tags = apply_changes(task, changes, utc_now())
    return task, save_changes(task, tags)


def complete_task(principal: Principal, task_id: int, completed: bool | None) -> TaskWithTags:
    """Set `completed`, or flip it when None (two toggles at once flip it twice, never once)."""
    task = locked_task(principal, task_id)
    now = utc_now()
    set_completed(task, (not task.completed) if completed is None else completed, now)
    task.updated_at = now
    return task, save_changes(task, None)


def delete_task(principal: Principal, task_id: int) -> None:
    user_id = current_user(principal).id
    tasks_changed(user_id)
    if not Task.delete().where((Task.id == task_id) & (Task.user == user_id)).execute():
        raise not_found("Task not found")


def delete_tasks(principal: Principal, completed: bool | None) -> int:
    """All the caller's tasks, or those whose `completed` is as given; how many went."""
    user_id = current_user(principal).id
    tasks_changed(user_id)
    condition = Task.user == user_id
    if completed is not None:
        condition &= Task.completed == completed
    return int(Task.delete().where(condition).execute())


def locked_task(principal: Principal, task_id: int) -> Task:
    """The caller's task, locked for a change: the user's row first (tasks_changed), then the
    task's, so concurrent edits of one user queue instead of losing one another."""
    user_id = current_user(principal).id
    tasks_changed(user_id)
    return owned_task(user_id, task_id, for_update=True)


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


def save_changes(task: Task, tags: list[str] | None) -> list[str]:
    """Update `task`, and its tags when given; returns the task's tags."""
    queries.update_task_row(task)
    if tags is not None:
        replace_tags(task.id, tags)
        return tags
    return tags_by_task([task.id])[task.id]


def replace_tags(task_id: int, tags: list[str]) -> None:
    TaskTag.delete().where(TaskTag.task == task_id).execute()
    queries.insert_tags(task_id, tags)


def tags_by_task(task_ids: Iterable[int]) -> dict[int, list[str]]:
    """Every task's tags in one query, in the order they were given."""
    tags: dict[int, list[str]] = defaultdict(list)
    for task_id, name in queries.tags_of_tasks(list(task_ids)):
        tags[task_id].append(name)
    return tags
