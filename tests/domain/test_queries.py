"""A page of tasks with their tags costs the same number of queries whatever its size, and the
list queries use the indexes made for them."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from domain.schemas import TaskListQuery
from domain.task_list import asked, page_query
from handlers import create_task, list_tasks
from runtime.services import Services
from tests.support.accounts import signup_alone
from tests.support.requests import make_request

pytestmark = pytest.mark.anyio


async def seeded_token(services: Services, tasks: int) -> str:
    access = (await signup_alone(services, "q@example.com"))["access_token"]
    for number in range(tasks):
        body = {"title": f"task {number}", "tags": [f"tag{number % 3}", "all"]}
        await create_task.handle(make_request(services, "POST", "/api/tasks", token=access, json_body=body))
    return access


async def queries_for_page(services: Services, token: str, query: str, caplog: Any) -> int:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        response = await list_tasks.handle(
            make_request(services, "GET", "/api/tasks", token=token, query=query)
        )
    assert response.status_code == 200
    return sum(1 for record in caplog.records if record.name == "peewee")


async def test_page_of_tasks_with_tags_costs_constant_queries(services: Services, caplog: Any) -> None:
    token = await seeded_token(services, 30)
    one = await queries_for_page(services, token, "limit=1", caplog)
    thirty = await queries_for_page(services, token, "limit=30", caplog)
    filtered = await queries_for_page(services, token, "limit=30&tag=all&q=task&sort=title", caplog)
    assert one == thirty == filtered
    assert thirty <= 4  # the user, the count, the page, the page's tags


async def test_a_first_page_that_holds_every_match_needs_no_count(services: Services, caplog: Any) -> None:
    token = await seeded_token(services, 5)
    full = await queries_for_page(services, token, "limit=5", caplog)
    whole = await queries_for_page(services, token, "limit=6", caplog)
    assert whole == full - 1

    async def total(query: str) -> str:
        request = make_request(services, "GET", "/api/tasks", token=token, query=query)
        return (await list_tasks.handle(request)).headers["x-total-count"]

    assert [await total(q) for q in ("limit=6", "limit=5", "limit=2&offset=4", "offset=9", "tag=tag1")] == [
        "5",
        "5",
        "5",
        "5",
        "2",
    ]


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("-created_at", "task_user_id_created_at_id"),
        ("updated_at", "task_user_id_updated_at_id"),
        ("-priority", "task_user_id_priority_id"),
        ("order", "task_user_id_position_id"),
    ],
)
async def test_list_queries_use_the_per_user_indexes(
    sqlite_services: Services, sort: str, index: str
) -> None:
    query = TaskListQuery(sort=sort)
    names, values = asked("u_someone", query)
    sql, params = page_query(names, query.sort, *values, 20, 0).sql()
    with sqlite_services.db.connection_context():
        plan = " ".join(
            str(row) for row in sqlite_services.db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        )
    assert index in plan, plan


async def test_completed_filter_uses_its_index(sqlite_services: Services) -> None:
    query = TaskListQuery(status="pending")
    names, values = asked("u_someone", query)
    sql, params = page_query(names, query.sort, *values, 20, 0).sql()
    with sqlite_services.db.connection_context():
        plan = " ".join(
            str(row) for row in sqlite_services.db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        )
    assert "USING INDEX" in plan and "user_id" in plan, plan
