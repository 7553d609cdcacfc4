from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.conditions import if_match
from handlers.common.crud.lists import delete_list
from handlers.common.endpoint import Endpoint
from handlers.common.lists import list_id_from_path, list_paths
from handlers.common.responses import no_content
from handlers.common.schemas import QueryId
from handlers.common.tokens import TASKS_WRITE
from handlers.common.validation import parse_query


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
    await db.write(request, delete_list, principal, list_id, move_to, if_match(request))
    return no_content()
