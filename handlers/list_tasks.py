from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate, peek_user
from handlers.common.cache import Page, known_answer, page_address, page_key
from handlers.common.conditions import if_none_match
from handlers.common.crud.task_list import Listing, page_or_listing
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.schemas import TaskListQuery, TaskOut
from handlers.common.services import services_of
from handlers.common.tasks import base_url, task_json, task_paths
from handlers.common.tokens import TASKS_READ
from handlers.common.validation import parse_query

ENDPOINT = Endpoint(
    method="GET",
    paths=task_paths(),
    summary="List, filter, sort and page the caller's tasks",
    operation_id="list_tasks",
    tag="tasks",
    scope=TASKS_READ,
    response=list[TaskOut],
    query=TaskListQuery,
    errors=(403, 422),
    conditional="if-none-match",
    response_headers={
        "X-Total-Count": "tasks matching the filters",
        "Link": "next/prev pages",
        "ETag": "the page's version: the same until one of the caller's tasks changes",
    },
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    cache = services_of(request).page_cache
    address = page_address(request)
    unless = if_none_match(request)
    # Pages are kept under the exact address they answered: one found here had a valid query.
    user = peek_user(request, principal)  # SQLite: the user row without a database thread
    if user and (known := known_answer(page_key(user, address), cache, unless, validated=False)):
        return known.response()
    query = parse_query(request, TaskListQuery)
    found = await db.read(request, page_or_listing, principal, query, address, cache, unless)
    if isinstance(found, Listing):
        found = cache.put(found.key, render(request, query, found, cache.etag(found.key)))
    return found.response()


def render(request: Request, query: TaskListQuery, listing: Listing, etag: str) -> Page:
    root = base_url(request)
    body = [task_json(task, listing.tags.get(task.id, []), root) for task in listing.tasks]
    headers = {"X-Total-Count": str(listing.total), "ETag": etag}
    if link := page_links(request, query, listing.total):
        headers["Link"] = link
    response = json_response(body, headers=headers)
    return Page(bytes(response.body), response.raw_headers)


def page_links(request: Request, query: TaskListQuery, total: int) -> str:
    links = []
    if query.offset + query.limit < total:
        links.append((query.offset + query.limit, "next"))
    if query.offset > 0:
        links.append((max(query.offset - query.limit, 0), "prev"))
    return ", ".join(
        f'<{request.url.include_query_params(offset=offset, limit=query.limit)}>; rel="{rel}"'
        for offset, rel in links
    )
