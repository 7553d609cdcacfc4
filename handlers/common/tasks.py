"""Task pieces several handlers share: the route shapes, the id in the path, a task as JSON."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from handlers.common.conditions import etag_of
from handlers.common.errors import not_found, validation_error
from handlers.common.reminders import shown
from handlers.common.responses import iso, json_response
from handlers.common.schemas import INT64_MAX
from models import PRIORITY_NAMES, Task


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
    }


def task_response(
    request: Request, task: Task, tags: list[str], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """One task as JSON, with its ETag (and `Location` when it was just created)."""
    body = task_json(task, tags, base_url(request))
    extra = {"Location": body["url"]} if status == 201 else {}
    return json_response(body, status=status, headers={"ETag": etag_of(task), **extra, **(headers or {})})


def task_url(base_url: str, task_id: int) -> str:
    return f"{base_url}api/tasks/{task_id}"


def base_url(request: Request) -> str:
    """The service's root URL as the client reached it (proxy headers applied by the middleware)."""
    return str(request.base_url)
