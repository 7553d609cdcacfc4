from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.lists import create_list
from domain.principal import TASKS_WRITE
from domain.schemas import ListCreate
from domain.views import ListOut
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.lists import list_paths, list_response
from handlers.http.validation import parse_body
from runtime import calls
from runtime.services import services_of

ENDPOINT = Endpoint(
    method="POST",
    paths=list_paths(),
    summary="Create a list (last among the caller's)",
    operation_id="create_list",
    tag="lists",
    scope=TASKS_WRITE,
    status=201,
    response=ListOut,
    body=ListCreate,
    errors=(400, 403, 409, 413, 415, 422),
    response_headers={"Location": "the new list's URL", "ETag": "the list's version"},
    description="409 when the caller has a list of that name (whatever its case), or 1,000 lists.",
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    fields = await parse_body(request, ListCreate, services_of(request).settings.max_body_bytes)
    todo_list, default_id = await calls.write_now(request, create_list, principal, fields)
    return list_response(request, todo_list, default_id, status=201)
