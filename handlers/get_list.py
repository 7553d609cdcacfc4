from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.lists import read_list
from domain.principal import TASKS_READ
from domain.versions import etag_of
from domain.views import ListOut
from handlers.http.auth import authenticate
from handlers.http.conditions import if_none_match, not_modified
from handlers.http.endpoint import Endpoint
from handlers.http.lists import list_id_from_path, list_paths, list_response
from runtime import calls

ENDPOINT = Endpoint(
    method="GET",
    paths=list_paths("/{list_id}"),
    summary="Read one list",
    operation_id="get_list",
    tag="lists",
    scope=TASKS_READ,
    response=ListOut,
    errors=(403, 404, 422),
    conditional="if-none-match",
    response_headers={"ETag": "the list's version"},
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    todo_list, default_id = await calls.read_now(request, read_list, principal, list_id_from_path(request))
    if (unless := if_none_match(request)) and unless.matches_weakly(etag_of(todo_list)):
        return not_modified(etag_of(todo_list))
    return list_response(request, todo_list, default_id)
