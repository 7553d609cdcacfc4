from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_WRITE
from domain.schemas import TaskReplace
from domain.tasks import update_task
from domain.views import TaskOut
from handlers.http.auth import authenticate
from handlers.http.conditions import if_match
from handlers.http.endpoint import Endpoint
from handlers.http.tasks import task_id_from_path, task_paths, task_response
from handlers.http.validation import parse_body
from runtime import calls
from runtime.services import services_of

ENDPOINT = Endpoint(
    method="PUT",
    paths=task_paths("/{task_id}"),
    summary="Update a task; title required, fields not sent keep their value",
    operation_id="replace_task",
    tag="tasks",
    scope=TASKS_WRITE,
    response=TaskOut,
    body=TaskReplace,
    errors=(400, 403, 404, 412, 413, 415, 422),
    conditional="if-match",
    response_headers={"ETag": "the task's version"},
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    task_id = task_id_from_path(request)
    fields = await parse_body(request, TaskReplace, services_of(request).settings.max_body_bytes)
    task, tags = await calls.write_now(request, update_task, principal, task_id, fields, if_match(request))
    return task_response(request, task, tags)
