"""MKCALENDAR (RFC 4791 5.3.1) and extended MKCOL (RFC 5689, as DAVx5 makes calendars): a new
list reachable at the URL the client chose, named by its `displayname` (else that URL's last
segment) and colored by Apple's `calendar-color`. A calendar here holds tasks: one asked to
hold only other components is refused. Other properties a client sets on the way (a
description, a time zone, an order) are not kept."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from starlette.responses import Response

from dav.call import DavCall
from dav.colors import nearest
from dav.errors import DavError
from dav.names import apple, caldav, dav
from dav.paths import Kind, calendar_href
from dav.xml_in import text_of
from domain.calendars import make_calendar, named_calendar_exists
from domain.schemas import ListCreate

MAX_LIST_NAME = 100


async def handle(call: DavCall) -> Response:
    target = call.target
    if target.kind is not Kind.CALENDAR or target.calendar is None:
        raise DavError(
            403, "Calendars are made in your calendar home", caldav("calendar-collection-location-ok")
        )
    props = properties(call.xml(), extended=call.request.method == "MKCOL")
    if await call.read(named_calendar_exists, call.principal, target.calendar):
        raise DavError(405, "There is a calendar at this URL already", dav("resource-must-be-null"))
    name = (props.get(dav("displayname")) or target.calendar).strip()[:MAX_LIST_NAME] or "Tasks"
    color = nearest(props.get(apple("calendar-color")) or "")
    await call.write(make_calendar, call.principal, target.calendar, ListCreate(name=name, color=color))
    return Response(status_code=201, headers={"Location": calendar_href(call.user_id, target.calendar)})


def properties(root: ET.Element | None, extended: bool) -> dict[str, str | None]:
    """The properties to set (text), checked: a calendar of VTODOs, and for MKCOL a calendar."""
    found: dict[str, str | None] = {}
    if root is None:
        if extended:
            raise DavError(403, "Only calendars are made here: MKCOL needs a calendar resourcetype")
        return found
    if root.tag not in (caldav("mkcalendar"), dav("mkcol")):
        raise DavError(400, "The body is a CALDAV:mkcalendar or DAV:mkcol element")
    for prop in root.iter(dav("prop")):
        for child in prop:
            found[child.tag] = text_of(child)
            if child.tag == caldav("supported-calendar-component-set"):
                components = {comp.get("name", "").upper() for comp in child}
                if components and "VTODO" not in components:
                    message = "Calendars here hold tasks (VTODO)"
                    raise DavError(403, message, caldav("supported-calendar-component"))
            if child.tag == dav("resourcetype") and child.find(caldav("calendar")) is None:
                raise DavError(403, "Only calendars are made here", dav("valid-resourcetype"))
    if extended and dav("resourcetype") not in found:
        raise DavError(403, "Only calendars are made here: MKCOL needs a calendar resourcetype")
    return found
