from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.conditions import if_match
from handlers.common.crud.tasks import delete_task
from handlers.common.endpoint import Endpoint
from handlers.common.responses import no_content
from handlers.common.tasks import task_id_from_path, task_paths
from handlers.common.tokens import TASKS_WRITE

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
    await db.write(request, delete_task, principal, task_id_from_path(request), if_match(request))
    return no_content()
