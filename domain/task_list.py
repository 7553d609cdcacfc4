"""Listing the caller's tasks: filters, sort orders and a page of them (inside a database call)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import peewee

from domain.principal import Principal
from domain.schemas import TaskListQuery
from domain.users import current_user
from models import PRIORITY_RANKS, Task, TaskTag, bound_database
from models.database import binary_collation
from models.queries import tags_by_task
from models.statements import Statement

SORT_COLUMNS: dict[str, peewee.Field] = {
    "created_at": Task.created_at,
    "updated_at": Task.updated_at,
    "due_date": Task.due_date,
    "priority": Task.priority,  # the rank: low < medium < high
    "title": Task.title_key,  # the lower-cased title: case-insensitive
    "order": Task.position,
    "position": Task.sort_key,  # the order within one list and parent
}


@dataclass(frozen=True)
class Listing:
    """A page's tasks, and the key its rendering is cached under (read in the same transaction)."""

    key: PageKey
    total: int
    tasks: list[Task]
    tags: dict[int, list[str]]


def matching(principal: Principal, query: TaskListQuery) -> Listing:
    """A page of the caller's tasks, read whatever is cached (MCP's list_tasks)."""
    user = current_user(principal)
    return listing(user.id, query, ())


def listing(user_id: str, query: TaskListQuery, key: PageKey) -> Listing:
    """At most three queries whatever the page size: the page, the count (not for a first page
    that is not full: it holds every match), and the page's tags. Each is a statement written
    once per shape of query (which filters, which sort) and run with this query's values."""
    names, values = asked(user_id, query)
    page, count = page_statements(names, query.sort)
    tasks = page.models(Task, *values, query.limit, query.offset)
    if query.offset == 0 and len(tasks) < query.limit:
        total = len(tasks)
    else:
        ((total,),) = count.rows(*values)
    return Listing(key, total, tasks, tags_by_task(task.id for task in tasks))


# Each filter a list query may ask for: whether it takes a value, and its condition.
CONDITIONS: dict[str, Callable[..., peewee.ColumnBase]] = {
    "user": lambda user_id: Task.user == user_id,
    "list": lambda list_id: Task.list == list_id,
    "top": lambda: Task.parent.is_null(),
    "parent": lambda parent_id: Task.parent == parent_id,
    "completed": lambda completed: Task.completed == completed,
    # As `contains` writes it (`asked` makes the pattern): with an ESCAPE clause when the text
    # searched for holds a wildcard or the escape character itself.
    "search": lambda pattern: peewee.Expression(Task.search_text, peewee.OP.ILIKE, pattern),
    "search_escaped": lambda pattern, escape: peewee.Expression(
        Task.search_text,
        peewee.OP.ILIKE,
        peewee.NodeList(
            (
                peewee.Value(pattern, converter=False),
                peewee.SQL("ESCAPE"),
                peewee.Value(escape, converter=False),
            )
        ),
    ),
    "priority": lambda rank: Task.priority == rank,
    "tag": lambda name: peewee.fn.EXISTS(
        TaskTag.select(TaskTag.task).where((TaskTag.task == Task.id) & (TaskTag.name == name))
    ),
    "due_before": lambda bound: Task.due_date < bound,
    "due_after": lambda bound: Task.due_date > bound,
    # A bound past what UTC can hold comes as the first or last datetime (schemas.DueBound):
    # every due date is then within it, the last and first ones included.
    "due_any": lambda: Task.due_date.is_null(False),
}


# How many values a filter binds, when not one.
TAKES = {"top": 0, "due_any": 0, "search_escaped": 2}


def asked(user_id: str, query: TaskListQuery) -> tuple[tuple[str, ...], list[object]]:
    """The filters `query` asks for (by name, in a fixed order) and their values, in the order
    the statement binds them."""
    wanted: list[tuple[str, tuple[object, ...]]] = [("user", (user_id,))]
    if query.list_id is not None:
        wanted.append(("list", (query.list_id,)))
    if query.parent_id == "none":
        wanted.append(("top", ()))
    elif query.parent_id is not None:
        wanted.append(("parent", (query.parent_id,)))
    if query.completed is not None:
        wanted.append(("completed", (query.completed,)))
    if query.status != "all":
        wanted.append(("completed", (query.status == "completed",)))
    if query.q:
        wanted.append(search(query.q.lower()))
    if query.priority:
        wanted.append(("priority", (PRIORITY_RANKS[query.priority],)))
    if query.tag:
        wanted.append(("tag", (query.tag,)))
    if query.due_before:
        unbounded = query.due_before == dt.datetime.max
        wanted.append(("due_any", ()) if unbounded else ("due_before", (query.due_before,)))
    if query.due_after:
        unbounded = query.due_after == dt.datetime.min
        wanted.append(("due_any", ()) if unbounded else ("due_after", (query.due_after,)))
    return tuple(name for name, _ in wanted), [value for _, values in wanted for value in values]


def search(text: str) -> tuple[str, tuple[object, ...]]:
    """A search for `text` anywhere, as peewee's `contains` writes it: its wildcards escaped."""
    if not any(special in text for special in "%_\\"):
        return "search", (f"%{text}%",)
    escaped = text.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")
    return "search_escaped", (f"%{escaped}%", "\\")


def conditions(names: tuple[str, ...], values: tuple[object, ...]) -> list[peewee.ColumnBase]:
    """Each filter's condition, taking as many of `values` as it binds."""
    given = iter(values)
    built = []
    for name in names:
        taken = [next(given) for _ in range(TAKES.get(name, 1))]
        built.append(CONDITIONS[name](*taken))
    return built


def page_query(names: tuple[str, ...], sort: str, *values: object) -> peewee.ModelSelect[Task]:
    """`values`: the filters' values (`asked`), then the limit and the offset."""
    *filtered, limit, offset = values
    selected = Task.select().where(*conditions(names, tuple(filtered)))
    return selected.order_by(*ordering(sort)).limit(limit).offset(offset)


def count_query(names: tuple[str, ...], *values: object) -> peewee.Select:
    """How many tasks match (as peewee's `count()` asks it), written for the bound database."""
    matching = Task.select(peewee.SQL("1")).where(*conditions(names, values)).alias("matching")
    return peewee.Select([matching], [peewee.fn.COUNT(peewee.SQL("1"))]).bind(bound_database())


# A query's statements by its shape: few shapes are ever asked for (each a different text).
PAGES: dict[tuple[tuple[str, ...], str], tuple[Statement, Statement]] = {}


def page_statements(names: tuple[str, ...], sort: str) -> tuple[Statement, Statement]:
    """The page's statement and the count's, for this shape of query."""
    found = PAGES.get((names, sort))
    if found is None:
        found = PAGES[(names, sort)] = (
            Statement(functools.partial(page_query, names, sort)),
            Statement(functools.partial(count_query, names)),
        )
    return found


def ordering(sort: str) -> list[peewee.Ordering]:
    """The sort column (nulls last either way), then the id in the same direction."""
    direction = peewee.Desc if sort.startswith("-") else peewee.Asc
    name = sort.lstrip("-")
    column = SORT_COLUMNS[name]
    database = bound_database()
    collation = binary_collation(database) if name == "title" else None
    if not column.null or database.nulls_ordering:
        nulls = "LAST" if column.null else None
        return [direction(column, collation=collation, nulls=nulls), direction(Task.id)]
    # MySQL has no NULLS LAST: a null sorts after the rest by a key written as constants (peewee
    # would bind them, and a statement's text must bind the query's values only).
    nulls_last = peewee.Case(None, ((column.is_null(), peewee.SQL("1")),), peewee.SQL("0"))
    return [peewee.Asc(nulls_last), direction(column, collation=collation), direction(Task.id)]


PageKey = tuple[object, ...]
