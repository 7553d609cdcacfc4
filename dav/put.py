"""PUT of a task (RFC 4791 5.3.2): a client's VTODO creates the resource (If-None-Match: *) or
replaces it (If-Match), or either without a precondition. 201 or 204, with the ETag only when
the stored resource is byte for byte the body sent (RFC 4791 5.3.4; else the client reads it).

The mapping is dav/todo_in.py's; the rules (preconditions, UIDs, the parent) the domain's
(domain/calendar_objects.py).
"""

from __future__ import annotations

from starlette.responses import Response

from dav.call import DavCall
from dav.errors import DavError
from dav.names import caldav
from dav.paths import Kind
from dav.todo_in import read_todo
from dav.todo_out import PRODID, calendar_bytes
from domain.calendar_objects import put_copy
from domain.calendars import MAX_NAME_LENGTH
from domain.versions import etag_of


async def handle(call: DavCall) -> Response:
    target = call.target
    if target.kind is not Kind.OBJECT or target.calendar is None or target.name is None:
        raise DavError(405, "Tasks are PUT into a calendar", headers={"Allow": "OPTIONS, PROPFIND, REPORT"})
    if len(target.name) > MAX_NAME_LENGTH:
        raise DavError(403, f"A resource name is at most {MAX_NAME_LENGTH} characters")
    media_type = (call.header(b"content-type") or "").split(";", 1)[0].strip().lower()
    if media_type != "text/calendar":
        raise DavError(415, "A task is sent as text/calendar", caldav("supported-calendar-data"))
    body = call.body()
    todo = read_todo(body)
    conditions = call.condition(b"if-match"), call.condition(b"if-none-match")
    written = await call.write(put_copy, call.principal, target.calendar, target.name, todo, *conditions)
    headers = {}
    if PRODID.encode() in body and calendar_bytes(written.copy) == body:
        headers["ETag"] = etag_of(written.copy.task)
    return Response(status_code=201 if written.created else 204, headers=headers)
