"""DELETE of a task (with its subtasks) or of a calendar (the list, with its tasks; the
default list stays: 403)."""

from __future__ import annotations

from starlette.responses import Response

from dav.call import DavCall
from dav.errors import DavError
from dav.paths import Kind
from domain.calendar_objects import delete_copy
from domain.calendars import calendar
from domain.lists import delete_list
from domain.principal import Principal


async def handle(call: DavCall) -> Response:
    target = call.target
    if target.kind is Kind.OBJECT and target.calendar is not None and target.name is not None:
        if not await call.write(
            delete_copy, call.principal, target.calendar, target.name, call.condition(b"if-match")
        ):
            raise DavError(404, "No such task in this calendar")
        return Response(status_code=204)
    if target.kind is Kind.CALENDAR and target.calendar is not None:
        await call.write(delete_calendar, call.principal, target.calendar)
        return Response(status_code=204)
    raise DavError(403, "Only tasks and calendars can be deleted")


def delete_calendar(principal: Principal, collection: str) -> None:
    delete_list(principal, calendar(principal, collection).todo_list.id, None)
