from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.lists import read_lists
from domain.principal import TASKS_READ
from domain.views import ListOut, list_json
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.lists import list_paths
from handlers.http.responses import json_response
from handlers.http.tasks import base_url
from runtime import calls

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
    lists, default_id = await calls.read(request, read_lists, principal)
    root = base_url(request)
    return json_response([list_json(todo_list, default_id, root) for todo_list in lists])
