"""sync-collection (RFC 6578 3.2): the calendar's resources changed since the client's token
(all of them without one), the gone ones as 404 responses, and the new token."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from starlette.responses import Response

from dav import report_entries
from dav.call import DavCall
from dav.errors import DavError
from dav.names import dav
from dav.paths import object_href
from dav.sync_tokens import cursor_of, token_uri
from dav.xml_in import text_of
from dav.xml_out import Entry, element, multistatus
from domain.calendar_sync import sync_changes


async def handle(call: DavCall, root: ET.Element) -> Response:
    collection = call.target.calendar
    assert collection is not None
    token = text_of(root.find(dav("sync-token")))
    level = text_of(root.find(dav("sync-level"))) or "1"
    if level not in ("1", "infinite"):
        raise DavError(400, "sync-level is 1 or infinite")
    answer = await call.read(
        sync_changes, call.principal, collection, cursor_of(token) or None, call.services.cursors
    )
    asked = report_entries.asked_props(root)
    changed = await report_entries.entries(call, answer.calendar.name, answer.changed, asked)
    gone = [Entry(object_href(call.user_id, answer.calendar.name, name), status=404) for name in answer.gone]
    return multistatus([*changed, *gone], extra=[element(dav("sync-token"), token_uri(answer.token))])
