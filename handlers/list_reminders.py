from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from starlette.requests import Request
from starlette.responses import Response

from domain.fields import not_null, parse_iso_datetime, to_naive_utc_bound
from domain.principal import TASKS_READ
from domain.reminders import armed_reminders, reminder_json
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.validation import parse_query
from runtime import calls


class RemindersQuery(BaseModel):
    before: Annotated[
        dt.datetime,
        BeforeValidator(not_null),
        BeforeValidator(parse_iso_datetime),
        AfterValidator(to_naive_utc_bound),
    ] = Field(description="only those that fire by then (ISO 8601)")
    limit: int = Field(default=100, ge=1, le=1000)


class ReminderOut(BaseModel):
    id: int
    task_id: int
    title: str
    due_date: dt.datetime | None
    reminder: dict[str, str] = Field(description='as the task holds it: {"at": ...} or {"before": ...}')
    fire_at: dt.datetime


ENDPOINT = Endpoint(
    method="GET",
    paths=("/api/reminders", "/api/{user_id}/reminders"),
    summary="The caller's armed reminders that fire by a time, soonest first",
    operation_id="list_reminders",
    tag="tasks",
    scope=TASKS_READ,
    response=list[ReminderOut],
    query=RemindersQuery,
    errors=(403, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    query = parse_query(request, RemindersQuery)
    found = await calls.read(request, armed_reminders, principal, query.before, query.limit)
    return json_response([reminder_json(reminder, task) for reminder, task in found])
