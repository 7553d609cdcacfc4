"""Lists as the API shows them, shared by the list handlers, the batch and the change feed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from handlers.common.conditions import etag_of
from handlers.common.errors import not_found, validation_error
from handlers.common.responses import iso, json_response
from handlers.common.schemas import EntityId, not_null, trimmed_text, trimmed_text_pattern
from handlers.common.tasks import base_url
from models import TodoList

Color = Literal["red", "orange", "yellow", "green", "teal", "blue", "purple", "pink", "gray"]
ListName = Annotated[
    str,
    BeforeValidator(not_null),
    Field(json_schema_extra={"pattern": trimmed_text_pattern(100)}),
    AfterValidator(lambda value: trimmed_text(value, 100, "name")),
]


class ListCreate(BaseModel):
    name: ListName
    color: Color | None = None


class ListPatch(BaseModel):
    """Only the fields sent change. `after` moves the list: right after that list, or first (null)."""

    # `name` may be left out, not sent as null: it has no default to document.
    model_config = ConfigDict(json_schema_extra=lambda schema: schema["properties"]["name"].pop("default"))

    name: ListName = None  # type: ignore[assignment]  # absent is fine, null is not
    color: Color | None = None
    after: EntityId | None = Field(default=None, description="a list's id, or null for first")


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


def list_response(
    request: Request, todo_list: TodoList, default_list_id: int | None, status: int = 200
) -> Response:
    """One list as JSON, with its ETag (and `Location` when it was just created)."""
    body = list_json(todo_list, default_list_id, base_url(request))
    headers = {"ETag": etag_of(todo_list)}
    if status == 201:
        headers["Location"] = body["url"]
    return json_response(body, status=status, headers=headers)
