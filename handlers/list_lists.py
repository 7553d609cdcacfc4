from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.lists import read_lists
from handlers.common.endpoint import Endpoint
from handlers.common.lists import ListOut, list_json, list_paths
from handlers.common.responses import json_response
from handlers.common.tasks import base_url
from handlers.common.tokens import TASKS_READ

ENDPOINT = Endpoint(
    method="GET",
    paths=list_paths(),
    summary="The caller's lists, by position (the Inbox is there from the first request)",
    operation_id="list_lists",
    tag="lists",
    scope=TASKS_READ,
    response=list[ListOut],
    errors=(403,),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    lists, default_id = await db.read(request, read_lists, principal)
    root = base_url(request)
    return json_response([list_json(todo_list, default_id, root) for todo_list in lists])
