"""Task pieces several handlers share: the route shapes, the id in the path, a task as JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.fields import INT64_MAX
from domain.versions import etag_of
from domain.views import task_json
from handlers.http.errors import not_found, validation_error
from handlers.http.responses import json_response
from models import Task


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


def task_response(
    request: Request, task: Task, tags: list[str], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """One task as JSON, with its ETag (and `Location` when it was just created)."""
    body = task_json(task, tags, base_url(request))
    extra = {"Location": body["url"]} if status == 201 else {}
    return json_response(body, status=status, headers={"ETag": etag_of(task), **extra, **(headers or {})})


def base_url(request: Request) -> str:
    """The service's root URL as the client reached it (proxy headers applied by the middleware)."""
    return str(request.base_url)
