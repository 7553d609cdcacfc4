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
    row = todo_list.__data__  # the row's values, as `task_json` reads them
    list_id = row["id"]
    return {
        "id": list_id,
        "name": row.get("name"),
        "color": row.get("color"),
        "position": row.get("position"),
        "is_default": list_id == default_list_id,
        "task_count": row.get("task_count"),
        "open_count": row.get("open_count"),
        "version": row.get("version"),
        "url": f"{root}api/lists/{list_id}",
        "created_at": iso(row.get("created_at")),
        "updated_at": iso(row.get("updated_at")),
    }


def task_json(task: Task, tags: list[str], base_url: str) -> dict[str, Any]:
    # The values straight from the row peewee keeps (`__data__`, by field name): each field's
    # descriptor would cost more than the rest of this function, which a page runs per task.
    row = task.__data__
    task_id, recurrence = row["id"], row.get("recurrence")
    return {
        "id": task_id,
        "user_id": row.get("user"),
        "title": row.get("title"),
        "description": row.get("description"),
        "completed": bool(row.get("completed")),
        "completed_at": iso(row.get("completed_at")),
        "priority": PRIORITY_NAMES[row["priority"]],
        "due_date": iso(row.get("due_date")),
        "tags": tags,
        "order": row.get("position"),
        "list_id": row.get("list"),
        "parent_id": row.get("parent"),
        "position": row.get("sort_key"),
        "url": f"{base_url}api/tasks/{task_id}",
        "created_at": iso(row.get("created_at")),
        "updated_at": iso(row.get("updated_at")),
        "version": row.get("version"),
        "recurrence": recurrence,
        "time_zone": row.get("time_zone"),
        "series_id": row.get("series_id") or (task_id if recurrence else None),
        "reminders": shown(row.get("reminders")),
        "uid": row.get("uid"),
    }


def iso(value: dt.datetime | None) -> str | None:
    """A naive UTC datetime as ISO 8601 with `Z`."""
    return None if value is None else value.isoformat() + "Z"
