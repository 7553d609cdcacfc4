"""The CalDAV door's entrance: the /.well-known/caldav redirect (RFC 6764), and the door
(dav/app.py) imported with icalendar when its first request comes (runtime/imports.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dav.paths import PREFIX
from runtime.imports import DoorOnFirstUse

door = DoorOnFirstUse("dav.app", lambda module: module.app)


async def well_known(request: Request) -> Response:
    """/.well-known/caldav: the context path of the CalDAV service (RFC 6764 5)."""
    return RedirectResponse(PREFIX, status_code=301)
