"""calendar-query (RFC 4791 7.8): the calendar's resources that pass the filter
(dav/filters.py), each with the properties asked for."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import anyio.to_thread
from starlette.responses import Response

from dav import filters, report_entries
from dav.call import DavCall
from dav.errors import DavError
from dav.names import caldav
from dav.todo_out import calendar_of
from dav.xml_out import multistatus
from domain.calendar_objects import Copy, read_copies
from domain.calendars import collection_name


async def handle(call: DavCall, root: ET.Element) -> Response:
    collection = call.target.calendar
    assert collection is not None
    filter_element = next((child for child in root if child.tag == caldav("filter")), None)
    if filter_element is None:
        raise DavError(403, "A calendar-query needs a filter", caldav("valid-filter"))
    top = filters.check(filter_element)
    todo_list, copies = await call.read(read_copies, call.principal, collection)
    if not filters.matches_everything(top):
        copies = await anyio.to_thread.run_sync(passing, copies, top)
    return multistatus(
        await report_entries.entries(
            call, collection_name(todo_list), copies, report_entries.asked_props(root)
        )
    )


def passing(copies: list[Copy], top: ET.Element) -> list[Copy]:
    return [copy for copy in copies if filters.comp_matches(calendar_of(copy), top)]
