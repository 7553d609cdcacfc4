"""OPTIONS: what the server speaks (DAV classes 1 and 3, calendar-access) and the methods
it allows; answered without credentials (it tells nothing of anyone's data)."""

from __future__ import annotations

from starlette.responses import Response

ALLOWED = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR, MKCOL"
DAV_CLASSES = "1, 3, calendar-access"


def handle() -> Response:
    return Response(status_code=200, headers={"DAV": DAV_CLASSES, "Allow": ALLOWED, "MS-Author-Via": "DAV"})
