"""PROPPATCH of a calendar (RFC 4918 9.2): `displayname` renames the list, Apple's
`calendar-color` recolors it (the nearest of the named colors; removing it clears the color).
Any other property is refused (403) and, as the method is all or nothing, the others then
fail too (424) and nothing changes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from pydantic import ValidationError
from starlette.responses import Response

from dav.call import DavCall
from dav.colors import nearest
from dav.errors import DavError
from dav.names import apple, dav
from dav.paths import Kind, href_of
from dav.xml_in import text_of
from dav.xml_out import Entry, multistatus
from domain.calendars import calendar
from domain.errors import Conflict, Invalid
from domain.lists import update_list
from domain.principal import Principal
from domain.schemas import ListPatch

SETTABLE = {dav("displayname"): "name", apple("calendar-color"): "color"}


async def handle(call: DavCall) -> Response:
    root = call.xml()
    if root is None or root.tag != dav("propertyupdate"):
        raise DavError(400, "A PROPPATCH body is a DAV:propertyupdate element")
    changes = requested(root)
    entry = Entry(href_of(call.target))
    refused = [name for name, _ in changes if call.target.kind is not Kind.CALENDAR or name not in SETTABLE]
    patch = {SETTABLE[name]: value for name, value in changes if name in SETTABLE}
    if "color" in patch and patch["color"] is not None:
        patch["color"] = nearest(patch["color"])
        if patch["color"] is None:
            refused.append(apple("calendar-color"))
    if "name" in patch and patch["name"] is None:
        refused.append(dav("displayname"))  # a list always has a name
    if refused:
        for name, _ in changes:
            entry.missing(name, 403 if name in refused else 424)
        return multistatus([entry])
    assert call.target.calendar is not None
    status = await call.write(apply, call.principal, call.target.calendar, patch)
    for name, _ in changes:
        if status == 200:
            entry.found[name] = None
        else:
            entry.missing(name, status)
    return multistatus([entry])


def requested(root: ET.Element) -> list[tuple[str, str | None]]:
    """Each property set (with its text) or removed (None), in order."""
    changes: list[tuple[str, str | None]] = []
    for action in root:
        prop = action.find(dav("prop"))
        for child in prop if prop is not None else []:
            changes.append((child.tag, text_of(child) if action.tag == dav("set") else None))
    return changes


def apply(principal: Principal, collection: str, patch: dict[str, Any]) -> int:
    """The list renamed or recolored: 200, or the status of the refusal (a name taken: 409,
    a name the rules refuse: 403)."""
    try:
        fields = ListPatch.model_validate(patch)
    except ValidationError:
        return 403
    try:
        update_list(principal, calendar(principal, collection).todo_list.id, fields)
    except Conflict:
        return 409
    except Invalid:
        return 403
    return 200
