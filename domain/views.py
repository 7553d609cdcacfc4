"""A task and a list as every door shows them: REST answers, MCP results, events and
webhooks, the change feed (`task_json`, `list_json`), with the models that describe them.

Their `url`s are absolute: `root_url()` is the service's URL as the current work's client
reached it, which each door sets for the work it runs (`service_root`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel, Field

from domain.fields import Priority
from domain.reminder_specs import shown
from domain.schemas import Color
from models import PRIORITY_NAMES, Task, TodoList

DEFAULT_ROOT = "http://localhost:7860/"
# A function, as working the URL out costs something and most work records no url.
service_root: ContextVar[Callable[[], str]] = ContextVar("service_root", default=lambda: DEFAULT_ROOT)


def root_url() -> str:
    """The service's URL as the client of the current work reached it."""
    return service_root.get()()


class TaskOut(BaseModel):
    id: int
    user_id: str
    title: str
    description: str | None
    completed: bool
    completed_at: dt.datetime | None
    priority: Priority
    due_date: dt.datetime | None
    tags: list[str]
    order: int | None
    list_id: int
    parent_id: int | None
    position: str = Field(description="sorts the task among its siblings (server-owned; see move)")
    url: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="1 when created, one more with every change; the ETag names it")
    recurrence: str | None
    time_zone: str
    series_id: int | None = Field(
        description="the first occurrence's id, shared by a recurring task's series"
    )
    reminders: list[dict[str, str]] = Field(description='each {"at": ...} or {"before": ...}')
    uid: str = Field(description="its iCalendar UID: what CalDAV apps know it by (stable)")


class ListOut(BaseModel):
    id: int
    name: str
    color: Color | None
    position: str = Field(description="sorts the lists (server-owned; move with `after`)")
    is_default: bool = Field(description="the Inbox: tasks go there unless told otherwise; cannot be deleted")
    task_count: int
    open_count: int
    version: int = Field(
        description="one more with every change, its tasks' counts included; the ETag names it"
    )
    url: str
    created_at: dt.datetime
    updated_at: dt.datetime


def list_json(todo_list: TodoList, default_list_id: int | None, root: str) -> dict[str, Any]:
    return {
        "id": todo_list.id,
        "name": todo_list.name,
        "color": todo_list.color,
        "position": todo_list.position,
        "is_default": todo_list.id == default_list_id,
        "task_count": todo_list.task_count,
        "open_count": todo_list.open_count,
        "version": todo_list.version,
        "url": f"{root}api/lists/{todo_list.id}",
        "created_at": iso(todo_list.created_at),
        "updated_at": iso(todo_list.updated_at),
    }


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
        "list_id": task.list_id,
        "parent_id": task.parent_id,
        "position": task.sort_key,
        "url": task_url(base_url, task.id),
        "created_at": iso(task.created_at),
        "updated_at": iso(task.updated_at),
        "version": task.version,
        "recurrence": task.recurrence,
        "time_zone": task.time_zone,
        "series_id": task.series_id or (task.id if task.recurrence else None),
        "reminders": shown(task.reminders),
        "uid": task.uid,
    }


def task_url(base_url: str, task_id: int) -> str:
    return f"{base_url}api/tasks/{task_id}"


def iso(value: dt.datetime | None) -> str | None:
    """A naive UTC datetime as ISO 8601 with `Z`."""
    return None if value is None else value.isoformat() + "Z"
