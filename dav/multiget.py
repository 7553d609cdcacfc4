"""calendar-multiget (RFC 4791 7.9): the resources the hrefs name, each with the properties
asked for; an href that names none of the calendar's resources is a 404 response."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from starlette.responses import Response

from dav import report_entries
from dav.call import DavCall
from dav.names import dav
from dav.paths import name_in
from dav.xml_in import text_of
from dav.xml_out import Entry, multistatus
from domain.calendar_objects import read_copies
from domain.calendars import collection_name


async def handle(call: DavCall, root: ET.Element) -> Response:
    collection = call.target.calendar
    assert collection is not None
    hrefs = [text_of(child) for child in root if child.tag == dav("href")]
    wanted = {href: name_in(href, call.user_id, collection) for href in hrefs}
    names = [name for name in dict.fromkeys(wanted.values()) if name is not None]
    todo_list, copies = await call.read(read_copies, call.principal, collection, names)
    by_name = {copy.name: copy for copy in copies}
    chosen = [by_name[name] for name in names if name in by_name]
    asked = report_entries.asked_props(root)
    found = await report_entries.entries(call, collection_name(todo_list), chosen, asked)
    missing = [Entry(href, status=404) for href, name in wanted.items() if name not in by_name]
    return multistatus([*found, *missing])
