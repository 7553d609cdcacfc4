from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_WRITE
from domain.schemas import TaskCreate
from domain.tasks import create_task
from domain.views import TaskOut
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.tasks import task_paths, task_response
from handlers.http.validation import parse_body
from runtime import calls
from runtime.services import services_of

ENDPOINT = Endpoint(
    method="POST",
    paths=task_paths(),
    summary="Create a task",
    operation_id="create_task",
    tag="tasks",
    scope=TASKS_WRITE,
    status=201,
    response=TaskOut,
    body=TaskCreate,
    errors=(400, 403, 413, 415, 422),
    response_headers={"Location": "the new task's URL", "ETag": "the task's version"},
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    fields = await parse_body(request, TaskCreate, services_of(request).settings.max_body_bytes)
    task, tags = await calls.write_now(request, create_task, principal, fields)
    return task_response(request, task, tags, status=201)
