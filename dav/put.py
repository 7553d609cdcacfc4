"""PUT of a task (RFC 4791 5.3.2): a client's VTODO creates the resource (If-None-Match: *) or
replaces it (If-Match), or either without a precondition. 201 or 204, with the ETag only when
the stored resource is byte for byte the body sent (RFC 4791 5.3.4; else the client reads it).

The parent a RELATED-TO;RELTYPE=PARENT names becomes the task's parent when it is a task of the
same list; otherwise the line is kept as the client sent it, and the task stays at the top.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.responses import Response

from dav.call import DavCall
from dav.errors import DavError, refused_value
from dav.names import caldav
from dav.paths import Kind
from dav.todo_in import ClientTodo, read_todo
from dav.todo_out import PRODID, calendar_bytes
from domain.calendar_objects import Written, put_copy, task_by_uid
from domain.calendars import calendar
from domain.principal import Principal
from domain.schemas import TaskCreate
from domain.tasks import ClientCopy
from domain.users import current_user
from domain.versions import Condition, etag_of

# What each field is called in a VTODO, for the reasons of a refusal.
PROPERTY_NAMES = {
    "title": "SUMMARY",
    "description": "DESCRIPTION",
    "priority": "PRIORITY",
    "due_date": "DUE",
    "time_zone": "DUE's TZID",
    "tags": "CATEGORIES",
    "recurrence": "RRULE",
    "reminders": "VALARM",
    "completed": "STATUS",
}


async def handle(call: DavCall) -> Response:
    target = call.target
    if target.kind is not Kind.OBJECT or target.calendar is None or target.name is None:
        raise DavError(405, "Tasks are PUT into a calendar", headers={"Allow": "OPTIONS, PROPFIND, REPORT"})
    media_type = (call.header(b"content-type") or "").split(";", 1)[0].strip().lower()
    if media_type != "text/calendar":
        raise DavError(415, "A task is sent as text/calendar", caldav("supported-calendar-data"))
    body = await call.body()
    todo = read_todo(body)
    conditions = call.condition(b"if-match"), call.condition(b"if-none-match")
    written = await call.write(store, call.principal, target.calendar, target.name, todo, *conditions)
    headers = {}
    if PRODID.encode() in body and calendar_bytes(written.copy) == body:
        headers["ETag"] = etag_of(written.copy.task)
    return Response(status_code=201 if written.created else 204, headers=headers)


def store(
    principal: Principal,
    collection: str,
    name: str,
    todo: ClientTodo,
    if_match: Condition | None,
    if_none_match: Condition | None,
) -> Written:
    """In one unit of work: the parent by its UID, the fields checked as REST checks them,
    then the resource written."""
    zone = current_user(principal).time_zone
    list_id = calendar(principal, collection).todo_list.id
    parent = task_by_uid(principal, todo.parent_uid) if todo.parent_uid else None
    linked = parent if parent is not None and parent.list_id == list_id and parent.uid != todo.uid else None
    body = {**todo.fields_for(zone), "list_id": list_id, "parent_id": linked.id if linked else None}
    fields = validated(body)
    copy = ClientCopy(todo.uid, None, todo.kept_for(linked is not None))
    return put_copy(principal, collection, name, fields, copy, if_match, if_none_match)


def validated(body: dict[str, Any]) -> TaskCreate:
    try:
        return TaskCreate.model_validate(body)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        field = str(problem["loc"][0]) if problem["loc"] else ""
        raise refused_value(f"{PROPERTY_NAMES.get(field, field)}: {problem['msg']}") from None
