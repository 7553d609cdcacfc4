"""REPORT (RFC 3253 3.6): calendar-multiget and calendar-query (RFC 4791 7.8, 7.9) and
sync-collection (RFC 6578), on a calendar; any other report is refused as not supported."""

from __future__ import annotations

from starlette.responses import Response

from dav import calendar_query, multiget, sync_collection
from dav.call import DavCall
from dav.errors import DavError
from dav.names import caldav, dav
from dav.paths import Kind


async def handle(call: DavCall) -> Response:
    root = call.xml()
    if root is None:
        raise DavError(400, "A REPORT needs a body")
    if call.target.kind is not Kind.CALENDAR:
        raise DavError(403, "Reports are made on a calendar", dav("supported-report"))
    if root.tag == caldav("calendar-multiget"):
        return await multiget.handle(call, root)
    if root.tag == caldav("calendar-query"):
        return await calendar_query.handle(call, root)
    if root.tag == dav("sync-collection"):
        return await sync_collection.handle(call, root)
    raise DavError(403, f"The report {root.tag} is not supported here", dav("supported-report"))
