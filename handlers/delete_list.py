from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from domain.fields import QueryId
from domain.lists import delete_list
from domain.principal import TASKS_WRITE
from handlers.http.auth import authenticate
from handlers.http.conditions import if_match
from handlers.http.endpoint import Endpoint
from handlers.http.lists import list_id_from_path, list_paths
from handlers.http.responses import no_content
from handlers.http.validation import parse_query
from runtime import calls


class DeleteListQuery(BaseModel):
    move_to: QueryId | None = Field(
        default=None, description="a list of yours to move the tasks into (last); left out: the tasks go too"
    )


ENDPOINT = Endpoint(
    method="DELETE",
    paths=list_paths("/{list_id}"),
    summary="Delete a list with its tasks, or move its tasks to another list first",
    operation_id="delete_list",
    tag="lists",
    scope=TASKS_WRITE,
    status=204,
    query=DeleteListQuery,
    errors=(403, 404, 409, 412, 422),
    conditional="if-match",
    description="409 for the default list (the Inbox): it can be renamed, not deleted.",
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    list_id = list_id_from_path(request)
    move_to = parse_query(request, DeleteListQuery).move_to
    await calls.write(request, delete_list, principal, list_id, move_to, if_match(request))
    return no_content()
