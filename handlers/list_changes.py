from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from domain.feed import Entry, FeedPage, read_feed
from domain.principal import TASKS_READ
from domain.views import ListOut, TaskOut, list_json, task_json
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.tasks import base_url
from handlers.http.validation import parse_query
from models import Task, TodoList
from runtime import calls
from runtime.services import services_of


class ChangesQuery(BaseModel):
    since: str | None = Field(default=None, max_length=200, description="a cursor from an earlier answer")
    limit: int = Field(default=500, ge=1, le=1000)


class ChangeOut(BaseModel):
    """A task's entry has `task`, a list's `list`: the current state, null for a deletion."""

    kind: Literal["task", "list"]
    id: int
    op: Literal["upsert", "delete"]
    version: int
    task: TaskOut | None = None
    list: ListOut | None = None


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    cursor: str
    has_more: bool


ENDPOINT = Endpoint(
    method="GET",
    paths=("/api/changes", "/api/{user_id}/changes"),
    summary="What changed since a cursor (without one: everything)",
    operation_id="list_changes",
    tag="sync",
    scope=TASKS_READ,
    response=ChangesOut,
    query=ChangesQuery,
    errors=(403, 410, 422),
    description=(
        "Each task and list changed after the cursor once, with its current state (`task` or `list`), in "
        "the order of its last change; deletions as tombstones (state null). With has_more, ask again at "
        "once with the new cursor. Applying every answer in order gives exactly the server's tasks and "
        "lists, whatever commits meanwhile."
    ),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    query = parse_query(request, ChangesQuery)
    cursors = services_of(request).cursors
    page = await calls.read(request, read_feed, principal, query.since, query.limit, cursors)
    return json_response(feed_json(page, base_url(request)))


def feed_json(page: FeedPage, root: str) -> dict[str, Any]:
    changes = [
        {
            "kind": entry.kind,
            "id": entry.position.entity_id,
            "op": entry.op,
            "version": entry.version,
            entry.kind: state_json(entry, page, root),
        }
        for entry in page.entries
    ]
    return {"changes": changes, "cursor": page.cursor, "has_more": page.has_more}


def state_json(entry: Entry, page: FeedPage, root: str) -> dict[str, Any] | None:
    if isinstance(entry.entity, Task):
        return task_json(entry.entity, page.tags[entry.entity.id], root)
    if isinstance(entry.entity, TodoList):
        return list_json(entry.entity, page.default_list_id, root)
    return None
