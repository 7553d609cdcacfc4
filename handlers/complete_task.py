from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate, current_user
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.schemas import Completed, TaskOut
from handlers.common.services import services_of
from handlers.common.tasks import (
    base_url,
    owned_task,
    save_changes,
    set_completed,
    task_id_from_path,
    task_json,
    task_paths,
    tasks_changed,
)
from handlers.common.tokens import Principal
from handlers.common.validation import read_json, validate
from models import Task, utc_now


class CompleteIn(BaseModel):
    completed: Completed


ENDPOINT = Endpoint(
    method="PATCH",
    paths=task_paths("/{task_id}/complete"),
    summary='Toggle completion, or set it with {"completed": bool}',
    operation_id="complete_task",
    tag="tasks",
    response=TaskOut,
    body=CompleteIn,
    body_required=False,
    errors=(400, 403, 404, 413, 415, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request)
    task_id = task_id_from_path(request)
    data = await read_json(request, services_of(request).settings.max_body_bytes, required=False)
    completed = None if data is None else validate(CompleteIn, data, "body").completed
    task, tags = await db.write(request, complete, principal, task_id, completed)
    return json_response(task_json(task, tags, base_url(request)))


def complete(principal: Principal, task_id: int, completed: bool | None) -> tuple[Task, list[str]]:
    """Set `completed`, or flip it when the body did not say."""
    user_id = current_user(principal).id
    tasks_changed(user_id)  # first: it locks the user's row, so two toggles cannot both flip
    task = owned_task(user_id, task_id, for_update=True)
    now = utc_now()
    set_completed(task, (not task.completed) if completed is None else completed, now)
    task.updated_at = now
    return task, save_changes(task, None)
