from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.tasks import read_task
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.schemas import TaskOut
from handlers.common.tasks import base_url, task_id_from_path, task_json, task_paths

ENDPOINT = Endpoint(
    method="GET",
    paths=task_paths("/{task_id}"),
    summary="Read one task",
    operation_id="get_task",
    tag="tasks",
    response=TaskOut,
    errors=(403, 404, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request)
    task, tags = await db.read(request, read_task, principal, task_id_from_path(request))
    return json_response(task_json(task, tags, base_url(request)))
