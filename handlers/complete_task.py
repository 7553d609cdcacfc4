from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from domain.fields import Completed
from domain.principal import TASKS_WRITE
from domain.tasks import complete_task
from domain.validation import validate
from domain.views import TaskOut
from handlers.http.auth import authenticate
from handlers.http.conditions import if_match
from handlers.http.endpoint import Endpoint
from handlers.http.tasks import task_id_from_path, task_paths, task_response
from handlers.http.validation import read_json
from runtime import calls
from runtime.services import services_of


class CompleteIn(BaseModel):
    completed: Completed


ENDPOINT = Endpoint(
    method="PATCH",
    paths=task_paths("/{task_id}/complete"),
    summary='Toggle completion, or set it with {"completed": bool}',
    operation_id="complete_task",
    tag="tasks",
    scope=TASKS_WRITE,
    response=TaskOut,
    body=CompleteIn,
    body_required=False,
    errors=(400, 403, 404, 412, 413, 415, 422),
    conditional="if-match",
    response_headers={"ETag": "the task's version"},
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    task_id = task_id_from_path(request)
    data = await read_json(request, services_of(request).settings.max_body_bytes, required=False)
    completed = None if data is None else validate(CompleteIn, data, "body").completed
    task, tags = await calls.write_now(
        request, complete_task, principal, task_id, completed, if_match(request)
    )
    return task_response(request, task, tags)
