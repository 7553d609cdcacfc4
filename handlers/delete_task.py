from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_WRITE
from domain.tasks import delete_task
from handlers.http.auth import authenticate
from handlers.http.conditions import if_match
from handlers.http.endpoint import Endpoint
from handlers.http.responses import no_content
from handlers.http.tasks import task_id_from_path, task_paths
from runtime import calls

ENDPOINT = Endpoint(
    method="DELETE",
    paths=task_paths("/{task_id}"),
    summary="Delete a task",
    operation_id="delete_task",
    tag="tasks",
    scope=TASKS_WRITE,
    status=204,
    errors=(403, 404, 412, 422),
    conditional="if-match",
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    await calls.write_now(request, delete_task, principal, task_id_from_path(request), if_match(request))
    return no_content()
