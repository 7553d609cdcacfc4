from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate, current_user
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.tasks import task_paths, tasks_changed
from handlers.common.tokens import Principal
from handlers.common.validation import parse_query
from models import Task


class DeleteTasksQuery(BaseModel):
    completed: bool | None = None


class DeletedOut(BaseModel):
    deleted: int


ENDPOINT = Endpoint(
    method="DELETE",
    paths=task_paths(),
    summary="Delete the caller's tasks: all, or those matching completed=",
    operation_id="delete_tasks",
    tag="tasks",
    response=DeletedOut,
    query=DeleteTasksQuery,
    errors=(403, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request)
    query = parse_query(request, DeleteTasksQuery)
    deleted = await db.write(request, delete_all, principal, query.completed)
    return json_response({"deleted": deleted})


def delete_all(principal: Principal, completed: bool | None) -> int:
    user_id = current_user(principal).id
    tasks_changed(user_id)
    condition = Task.user == user_id
    if completed is not None:
        condition &= Task.completed == completed
    return Task.delete().where(condition).execute()
