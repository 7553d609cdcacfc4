from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_READ
from domain.schemas import TaskListQuery
from domain.task_list import Listing
from domain.views import TaskOut, task_json
from handlers.http.auth import authenticate
from handlers.http.conditions import if_none_match
from handlers.http.endpoint import Endpoint
from handlers.http.page_cache import Page, known_answer, page_address, page_key, page_or_listing
from handlers.http.responses import json_response
from handlers.http.state import rest_state
from handlers.http.tasks import base_url, task_paths
from handlers.http.validation import parse_query
from runtime import calls
from runtime.auth import peek_user

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
    cache = rest_state(request).page_cache
    address = page_address(request)
    unless = if_none_match(request)
    # Pages are kept under the exact address they answered: one found here had a valid query.
    user = peek_user(request, principal)  # SQLite: the user row without a database thread
    if user and (known := known_answer(page_key(user, address), cache, unless, validated=False)):
        return known.response()
    query = parse_query(request, TaskListQuery)
    found = await calls.read(request, page_or_listing, principal, query, address, cache, unless)
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
