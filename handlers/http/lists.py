"""Lists as the API shows them, shared by the list handlers, the batch and the change feed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.versions import etag_of
from domain.views import list_json
from handlers.http.errors import not_found, validation_error
from handlers.http.responses import json_response
from handlers.http.tasks import base_url
from models import TodoList


def list_paths(suffix: str = "") -> tuple[str, str]:
    return f"/api/lists{suffix}", f"/api/{{user_id}}/lists{suffix}"


def list_id_from_path(request: Request) -> int:
    """The `{list_id}`: 422 when not an integer, 404 when out of any id's range."""
    raw = request.path_params["list_id"]
    if not raw.isascii() or not raw.isdigit():
        raise validation_error(("path", "list_id"), "Input should be a valid integer", "int_parsing")
    if not 1 <= int(raw) < 2**63:
        raise not_found("List not found")
    return int(raw)


def list_response(
    request: Request, todo_list: TodoList, default_list_id: int | None, status: int = 200
) -> Response:
    """One list as JSON, with its ETag (and `Location` when it was just created)."""
    body = list_json(todo_list, default_list_id, base_url(request))
    headers = {"ETag": etag_of(todo_list)}
    if status == 201:
        headers["Location"] = body["url"]
    return json_response(body, status=status, headers=headers)
