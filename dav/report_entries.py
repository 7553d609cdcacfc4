"""The responses of the reports on a calendar: each resource with the properties the report's
DAV:prop asks for (its text written off the event loop when there are many)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import anyio.to_thread

from dav.call import DavCall
from dav.names import caldav, dav
from dav.paths import object_href
from dav.properties import MISSING, object_props
from dav.todo_out import calendar_bytes
from dav.xml_out import Entry
from domain.calendar_objects import Copy

# Past this many resources, their text is written in a worker thread, off the event loop.
RENDER_INLINE = 20


def asked_props(root: ET.Element) -> list[str]:
    """The property names a report's DAV:prop asks for (allprop: etag and data)."""
    for child in root:
        if child.tag == dav("prop"):
            return [prop.tag for prop in child]
        if child.tag == dav("allprop"):
            return [dav("getetag"), caldav("calendar-data")]
    return [dav("getetag")]


async def entries(call: DavCall, collection: str, copies: list[Copy], names: list[str]) -> list[Entry]:
    """One response per resource, with the properties asked for."""
    texts: dict[int, bytes] = {}
    if caldav("calendar-data") in names or dav("getcontentlength") in names:
        if len(copies) > RENDER_INLINE:
            rendered = await anyio.to_thread.run_sync(lambda: [calendar_bytes(copy) for copy in copies])
        else:
            rendered = [calendar_bytes(copy) for copy in copies]
        texts = {copy.task.id: text for copy, text in zip(copies, rendered, strict=True)}
    found = []
    for copy in copies:
        entry = Entry(object_href(call.user_id, collection, copy.name))
        props = object_props(copy, lambda copy=copy: texts[copy.task.id])  # type: ignore[misc]
        for name in names:
            compute = props.get(name)
            value = compute() if compute is not None else MISSING
            if value is MISSING:
                entry.missing(name)
            else:
                entry.found[name] = value  # type: ignore[assignment]  # not MISSING: a Value
        found.append(entry)
    return found
