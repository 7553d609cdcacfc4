from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_WRITE
from domain.schemas import TaskMove
from domain.tasks import move_task
from domain.views import TaskOut
from handlers.http.auth import authenticate
from handlers.http.conditions import if_match
from handlers.http.endpoint import Endpoint
from handlers.http.tasks import task_id_from_path, task_paths, task_response
from handlers.http.validation import parse_body
from runtime import calls
from runtime.services import services_of

ENDPOINT = Endpoint(
    method="POST",
    paths=task_paths("/{task_id}/move"),
    summary="Move a task: after a sibling or first, into another list or under another parent",
    operation_id="move_task",
    tag="tasks",
    scope=TASKS_WRITE,
    response=TaskOut,
    body=TaskMove,
    errors=(400, 403, 404, 412, 413, 415, 422),
    conditional="if-match",
    response_headers={"ETag": "the task's version"},
    description=(
        "Only the moved task changes (its subtasks too when it changes list): the others keep their "
        "position. 422 for a list or parent that is not the caller's, a cycle, or a fifth level."
    ),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    task_id = task_id_from_path(request)
    move = await parse_body(request, TaskMove, services_of(request).settings.max_body_bytes)
    task, tags = await calls.write_now(request, move_task, principal, task_id, move, if_match(request))
    return task_response(request, task, tags)
