from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate, current_user
from handlers.common.endpoint import Endpoint
from handlers.common.errors import not_found
from handlers.common.responses import no_content
from handlers.common.tasks import task_id_from_path, task_paths, tasks_changed
from handlers.common.tokens import Principal
from models import Task

ENDPOINT = Endpoint(
    method="DELETE",
    paths=task_paths("/{task_id}"),
    summary="Delete a task",
    operation_id="delete_task",
    tag="tasks",
    status=204,
    errors=(403, 404, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request)
    await db.write(request, delete, principal, task_id_from_path(request))
    return no_content()


def delete(principal: Principal, task_id: int) -> None:
    user_id = current_user(principal).id
    tasks_changed(user_id)
    if not Task.delete().where((Task.id == task_id) & (Task.user == user_id)).execute():
        raise not_found("Task not found")
