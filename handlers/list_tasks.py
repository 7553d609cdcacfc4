from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import peewee
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate, current_user, peek_user
from handlers.common.cache import PageCache
from handlers.common.endpoint import Endpoint
from handlers.common.loop_reader import UserState
from handlers.common.responses import PreparedResponse, json_response
from handlers.common.schemas import DueBound, Priority, SearchText, Tag, TaskOut
from handlers.common.services import services_of
from handlers.common.tasks import base_url, tags_by_task, task_json, task_paths
from handlers.common.tokens import Principal
from handlers.common.validation import parse_query
from models import PRIORITY_RANKS, Task, TaskTag, User, bound_database
from models.database import binary_collation

SortKey = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "due_date",
    "-due_date",
    "priority",
    "-priority",
    "title",
    "-title",
    "order",
    "-order",
]


class TaskListQuery(BaseModel):
    completed: bool | None = None
    status: Literal["all", "pending", "completed"] = "all"
    q: SearchText = Field(default=None, description="case-insensitive, in title or description")
    priority: Priority | None = None
    tag: Tag | None = None
    due_before: DueBound = None
    due_after: DueBound = None
    sort: SortKey = "-created_at"
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=2**62)


ENDPOINT = Endpoint(
    method="GET",
    paths=task_paths(),
    summary="List, filter, sort and page the caller's tasks",
    operation_id="list_tasks",
    tag="tasks",
    response=list[TaskOut],
    query=TaskListQuery,
    errors=(403, 422),
    response_headers={"X-Total-Count": "tasks matching the filters", "Link": "next/prev pages"},
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request)
    cache = services_of(request).page_cache
    address = page_address(request)
    # Pages are kept under the exact address they answered: one found here had a valid query.
    if (user := peek_user(request, principal)) and (cached := cache.get(page_key(user, address))):
        return cached_response(CachedPage(*cached))
    query = parse_query(request, TaskListQuery)
    page = await db.read(request, list_page, principal, query, address, cache)
    if isinstance(page, CachedPage):
        return cached_response(page)
    root = base_url(request)
    body = [task_json(task, page.tags.get(task.id, []), root) for task in page.tasks]
    headers = {"X-Total-Count": str(page.total)}
    if link := page_links(request, query, page.total):
        headers["Link"] = link
    response = json_response(body, headers=headers)
    cache.put(page.cache_key, response.body, response.raw_headers)
    return response


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    raw_headers: list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Page:
    cache_key: tuple[object, ...]
    total: int
    tasks: list[Task]
    tags: dict[int, list[str]]


def cached_response(page: CachedPage) -> Response:
    return PreparedResponse(page.body, page.raw_headers)


def page_address(request: Request) -> tuple[object, ...]:
    """The address a page was asked at, as its body depends on it: links and urls are absolute."""
    scope = request.scope
    host = request.headers.get("host") or scope.get("server")
    return (scope["scheme"], host, scope.get("root_path", ""), scope["path"], scope["query_string"])


def page_key(user: User | UserState, address: tuple[object, ...]) -> tuple[object, ...]:
    """A page as shown to this account (a re-created one starts anew) at its tasks_version."""
    return (user.id, user.created_at, user.tasks_version, address)


def list_page(
    principal: Principal, query: TaskListQuery, address: tuple[object, ...], cache: PageCache
) -> Page | CachedPage:
    """The page as cached for the user's current tasks_version, or at most three queries
    whatever the page size: the page, the count (not for a first page that is not full: it holds
    every match), and the page's tags."""
    user = current_user(principal)
    key = page_key(user, address)
    if cached := cache.get(key):
        return CachedPage(*cached)
    selected = Task.select().where(*filters(user.id, query))
    tasks = list(selected.order_by(*ordering(query.sort)).limit(query.limit).offset(query.offset))
    total = len(tasks) if query.offset == 0 and len(tasks) < query.limit else selected.count()
    return Page(key, total, tasks, tags_by_task(task.id for task in tasks))


def filters(user_id: str, query: TaskListQuery) -> list[peewee.Expression]:
    conditions = [Task.user == user_id]
    if query.completed is not None:
        conditions.append(Task.completed == query.completed)
    if query.status != "all":
        conditions.append(Task.completed == (query.status == "completed"))
    if query.q:
        conditions.append(Task.search_text.contains(query.q.lower()))
    if query.priority:
        conditions.append(Task.priority == PRIORITY_RANKS[query.priority])
    if query.tag:
        tagged = TaskTag.select(TaskTag.task).where((TaskTag.task == Task.id) & (TaskTag.name == query.tag))
        conditions.append(peewee.fn.EXISTS(tagged))
    if query.due_before:
        conditions.append(
            due_condition(Task.due_date < query.due_before, query.due_before == dt.datetime.max)
        )
    if query.due_after:
        conditions.append(due_condition(Task.due_date > query.due_after, query.due_after == dt.datetime.min))
    return conditions


def due_condition(comparison: peewee.Expression, unbounded: bool) -> peewee.Expression:
    """A bound past what UTC can hold comes as the first or last datetime (schemas.DueBound):
    every due date is then within it, the last and first ones included."""
    return Task.due_date.is_null(False) if unbounded else comparison


SORT_COLUMNS = {
    "created_at": Task.created_at,
    "updated_at": Task.updated_at,
    "due_date": Task.due_date,
    "priority": Task.priority,  # the rank: low < medium < high
    "title": Task.title_key,  # the lower-cased title: case-insensitive
    "order": Task.position,
}


def ordering(sort: str) -> list[peewee.Ordering]:
    """The sort column (nulls last either way), then the id in the same direction."""
    direction = peewee.Desc if sort.startswith("-") else peewee.Asc
    name = sort.lstrip("-")
    column = SORT_COLUMNS[name]
    collation = binary_collation(bound_database()) if name == "title" else None
    nulls = "LAST" if column.null else None
    return [direction(column, collation=collation, nulls=nulls), direction(Task.id)]


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
