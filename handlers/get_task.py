from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate, current_user
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.schemas import TaskOut
from handlers.common.tasks import (
    base_url,
    owned_task,
    tags_by_task,
    task_id_from_path,
    task_json,
    task_paths,
)
from handlers.common.tokens import Principal
from models import Task

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
    task, tags = await db.read(request, read, principal, task_id_from_path(request))
    return json_response(task_json(task, tags, base_url(request)))


def read(principal: Principal, task_id: int) -> tuple[Task, list[str]]:
    task = owned_task(current_user(principal).id, task_id)
    return task, tags_by_task([task.id])[task.id]
