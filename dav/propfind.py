"""PROPFIND (RFC 4918 9.1): the properties asked for (or all, or their names) of the resource
and, at Depth 1, of its members: a home's calendars, a calendar's tasks."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET

from starlette.responses import Response

from dav.call import DavCall
from dav.errors import DavError
from dav.names import dav
from dav.paths import PREFIX, Kind, calendar_href, home_href, object_href, principal_href
from dav.properties import (
    ALLPROP,
    MISSING,
    Props,
    calendar_props,
    home_props,
    object_props,
    principal_props,
    root_props,
)
from dav.todo_out import calendar_bytes
from dav.xml_out import Entry, multistatus
from domain.calendar_objects import Copy, read_copies, read_copy
from domain.calendar_sync import calendar_with_token, home_with_tokens
from domain.users import current_user

Asked = tuple[str, list[str]]  # "allprop", "propname" or "prop", and the names for "prop"


async def handle(call: DavCall) -> Response:
    asked = asked_for(call.xml())
    resources = await resources_of(call, call.depth(default=1))
    return multistatus(entry(path, props, asked) for path, props in resources)


def asked_for(root: ET.Element | None) -> Asked:
    if root is None:
        return "allprop", []
    if root.tag != dav("propfind"):
        raise DavError(400, "A PROPFIND body is a DAV:propfind element")
    for child in root:
        if child.tag == dav("prop"):
            return "prop", [prop.tag for prop in child]
        if child.tag in (dav("allprop"), dav("propname")):
            return child.tag.removeprefix("{DAV:}"), []
    raise DavError(400, "DAV:propfind holds prop, allprop or propname")


def entry(path: str, props: Props, asked: Asked) -> Entry:
    mode, names = asked
    found = Entry(path)
    if mode == "propname":
        found.found = {name: None for name in props}
        return found
    for name in (n for n in props if n in ALLPROP) if mode == "allprop" else names:
        compute = props.get(name)
        value = compute() if compute is not None else MISSING
        if value is MISSING:
            found.missing(name)
        else:
            found.found[name] = value  # type: ignore[assignment]  # not MISSING: a Value
    return found


async def resources_of(call: DavCall, depth: int) -> list[tuple[str, Props]]:
    principal, target, user_id = call.principal, call.target, call.user_id
    match target.kind:
        case Kind.ROOT:
            return [(PREFIX, root_props(principal))]
        case Kind.PRINCIPAL:
            user = await call.read(current_user, principal)
            return [(principal_href(user_id), principal_props(principal, user))]
        case Kind.HOME:
            found = [(home_href(user_id), home_props(principal))]
            if depth:
                calendars = await call.read(home_with_tokens, principal, call.services.cursors)
                found += [
                    (
                        calendar_href(user_id, each.name),
                        calendar_props(principal, each, token, max_size(call)),
                    )
                    for each, token in calendars
                ]
            return found
        case Kind.CALENDAR:
            assert target.calendar is not None
            calendar, token = await call.read(
                calendar_with_token, principal, target.calendar, call.services.cursors
            )
            name = calendar.name
            found = [
                (calendar_href(user_id, name), calendar_props(principal, calendar, token, max_size(call)))
            ]
            if depth:
                _, copies = await call.read(read_copies, principal, target.calendar)
                found += [(object_href(user_id, name, copy.name), props_of(copy)) for copy in copies]
            return found
        case Kind.OBJECT:
            assert target.calendar is not None
            assert target.name is not None
            copy = await call.read(read_copy, principal, target.calendar, target.name)
            if copy is None:
                raise DavError(404, "No such task in this calendar")
            return [(object_href(user_id, target.calendar, copy.name), props_of(copy))]
    raise DavError(404, "Nothing is here")


def props_of(copy: Copy) -> Props:
    return object_props(copy, functools.cache(lambda: calendar_bytes(copy)))


def max_size(call: DavCall) -> int:
    return call.services.settings.max_body_bytes
