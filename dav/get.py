"""GET and HEAD of a task: its VTODO as text/calendar, with its ETag (304 when If-None-Match
names it)."""

from __future__ import annotations

from starlette.responses import Response

from dav.call import DavCall
from dav.errors import DavError
from dav.paths import Kind
from dav.properties import http_date
from dav.todo_out import MEDIA_TYPE, calendar_bytes
from domain.calendar_objects import read_copy
from domain.versions import etag_of


async def handle(call: DavCall) -> Response:
    target = call.target
    if target.kind is not Kind.OBJECT or target.calendar is None or target.name is None:
        raise DavError(
            405, "Only a task's resource can be read with GET", headers={"Allow": "OPTIONS, PROPFIND, REPORT"}
        )
    copy = await call.read(read_copy, call.principal, target.calendar, target.name)
    if copy is None:
        raise DavError(404, "No such task in this calendar")
    etag = etag_of(copy.task)
    unless = call.condition(b"if-none-match")
    if unless is not None and unless.matches_weakly(etag):
        return Response(status_code=304, headers={"ETag": etag})
    headers = {"ETag": etag, "Last-Modified": http_date(copy.task)}
    return Response(calendar_bytes(copy), 200, headers, media_type=MEDIA_TYPE)
