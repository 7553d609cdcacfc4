from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.lists import update_list
from domain.principal import TASKS_WRITE
from domain.schemas import ListPatch
from domain.views import ListOut
from handlers.http.auth import authenticate
from handlers.http.conditions import if_match
from handlers.http.endpoint import Endpoint
from handlers.http.lists import list_id_from_path, list_paths, list_response
from handlers.http.validation import parse_body
from runtime import calls
from runtime.services import services_of

ENDPOINT = Endpoint(
    method="PATCH",
    paths=list_paths("/{list_id}"),
    summary="Rename, recolour, or move a list (after another, or first)",
    operation_id="patch_list",
    tag="lists",
    scope=TASKS_WRITE,
    response=ListOut,
    body=ListPatch,
    errors=(400, 403, 404, 409, 412, 413, 415, 422),
    conditional="if-match",
    response_headers={"ETag": "the list's version"},
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    list_id = list_id_from_path(request)
    fields = await parse_body(request, ListPatch, services_of(request).settings.max_body_bytes)
    todo_list, default_id = await calls.write_now(
        request, update_list, principal, list_id, fields, if_match(request)
    )
    return list_response(request, todo_list, default_id)
