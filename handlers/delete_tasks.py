from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.tasks import delete_tasks
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.tasks import task_paths
from handlers.common.tokens import TASKS_WRITE
from handlers.common.validation import parse_query


class DeleteTasksQuery(BaseModel):
    completed: bool | None = None


class DeletedOut(BaseModel):
    deleted: int


ENDPOINT = Endpoint(
    method="DELETE",
    paths=task_paths(),
    summary="Delete the caller's tasks: all, or those matching completed=",
    operation_id="delete_tasks",
    tag="tasks",
    scope=TASKS_WRITE,
    response=DeletedOut,
    query=DeleteTasksQuery,
    errors=(403, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    query = parse_query(request, DeleteTasksQuery)
    deleted = await db.write(request, delete_tasks, principal, query.completed)
    return json_response({"deleted": deleted})
