from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.changes import FeedPage, read_feed
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.schemas import TaskOut
from handlers.common.services import services_of
from handlers.common.tasks import base_url, task_json
from handlers.common.tokens import TASKS_READ
from handlers.common.validation import parse_query


class ChangesQuery(BaseModel):
    since: str | None = Field(default=None, max_length=200, description="a cursor from an earlier answer")
    limit: int = Field(default=500, ge=1, le=1000)


class ChangeOut(BaseModel):
    kind: Literal["task"]
    id: int
    op: Literal["upsert", "delete"]
    version: int
    task: TaskOut | None


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
        "Each entity changed after the cursor once, with its current state, in the order of its last "
        "change; deletions as tombstones (task null). With has_more, ask again at once with the new cursor. "
        "Applying every answer in order gives exactly the server's tasks, whatever commits meanwhile."
    ),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    query = parse_query(request, ChangesQuery)
    cursors = services_of(request).cursors
    page = await db.read(request, read_feed, principal, query.since, query.limit, cursors)
    return json_response(feed_json(page, base_url(request)))


def feed_json(page: FeedPage, root: str) -> dict[str, Any]:
    changes = [
        {
            "kind": entry.kind,
            "id": entry.position.entity_id,
            "op": entry.op,
            "version": entry.version,
            "task": None if entry.task is None else task_json(entry.task, page.tags[entry.task.id], root),
        }
        for entry in page.entries
    ]
    return {"changes": changes, "cursor": page.cursor, "has_more": page.has_more}
