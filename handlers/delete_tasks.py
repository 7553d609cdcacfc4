from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_WRITE
from domain.tasks import delete_tasks
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.tasks import task_paths
from handlers.http.validation import parse_query
from runtime import calls


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
    deleted = await calls.write(request, delete_tasks, principal, query.completed)
    return json_response({"deleted": deleted})
