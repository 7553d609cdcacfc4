from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_READ
from domain.tasks import read_task
from domain.versions import etag_of
from domain.views import TaskOut
from handlers.http.auth import authenticate
from handlers.http.conditions import if_none_match, not_modified
from handlers.http.endpoint import Endpoint
from handlers.http.tasks import task_id_from_path, task_paths, task_response
from runtime import calls

ENDPOINT = Endpoint(
    method="GET",
    paths=task_paths("/{task_id}"),
    summary="Read one task",
    operation_id="get_task",
    tag="tasks",
    scope=TASKS_READ,
    response=TaskOut,
    errors=(403, 404, 422),
    conditional="if-none-match",
    response_headers={"ETag": "the task's version"},
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    task, tags = await calls.read_now(request, read_task, principal, task_id_from_path(request))
    if (unless := if_none_match(request)) and unless.matches_weakly(etag_of(task)):
        return not_modified(etag_of(task))
    return task_response(request, task, tags)
