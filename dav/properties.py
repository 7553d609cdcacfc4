"""The WebDAV and CalDAV properties of each kind of resource under /dav/, as the functions that
compute their values (a value is computed only when a client asks for it).

A property a resource does not have reads as MISSING (a 404 in its propstat).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import xml.etree.ElementTree as ET
from collections.abc import Callable

from dav.colors import hex_of
from dav.names import apple, caldav, calendarserver, dav
from dav.paths import PREFIX, home_href, principal_href
from dav.sync_tokens import token_uri
from dav.todo_out import MEDIA_TYPE
from dav.xml_out import Value, element
from domain.calendar_objects import Copy
from domain.calendars import Calendar
from domain.principal import TASKS_WRITE, Principal
from domain.versions import etag_of
from models import Task, User


class Missing:
    """A property this resource does not have."""


MISSING = Missing()
Compute = Callable[[], Value | Missing]
Props = dict[str, Compute]
OBJECT_MEDIA_TYPE = MEDIA_TYPE + "; component=VTODO"
# What `allprop` answers (RFC 4918 9.1: the live properties worth it; never the costly ones).
ALLPROP = frozenset(
    (
        dav("resourcetype"), dav("displayname"), dav("getetag"), dav("getcontenttype"),
        dav("getlastmodified"), dav("current-user-principal"), caldav("calendar-home-set"),
        caldav("supported-calendar-component-set"), calendarserver("getctag"), dav("sync-token"),
        apple("calendar-color"),
    )
)  # fmt: skip


def href(path: str) -> list[ET.Element]:
    return [element(dav("href"), path)]


def privileges(principal: Principal) -> list[ET.Element]:
    """What the caller may do here: read; and write too when the token allows it."""
    names = ["read", "read-current-user-privilege-set"]
    if TASKS_WRITE in principal.scopes:
        names += ["write", "write-properties", "write-content", "bind", "unbind"]
    return [element(dav("privilege"), [element(dav(name))]) for name in names]


def reports(*names: str) -> list[ET.Element]:
    return [element(dav("supported-report"), [element(dav("report"), [element(name)])]) for name in names]


def common(principal: Principal) -> Props:
    me = principal_href(principal.subject)
    return {
        dav("current-user-principal"): lambda: href(me),
        dav("principal-collection-set"): lambda: href(f"{PREFIX}principals/"),
        dav("current-user-privilege-set"): lambda: privileges(principal),
    }


def root_props(principal: Principal) -> Props:
    return {
        **common(principal),
        dav("resourcetype"): lambda: [element(dav("collection"))],
        dav("displayname"): lambda: "todo-api",
    }


def principal_props(principal: Principal, user: User) -> Props:
    me = principal_href(user.id)
    addresses = [f"mailto:{user.email}"] if user.email else []
    return {
        **common(principal),
        dav("resourcetype"): lambda: [element(dav("principal"))],
        dav("displayname"): lambda: user.name or user.email or user.id,
        dav("principal-URL"): lambda: href(me),
        dav("owner"): lambda: href(me),
        caldav("calendar-home-set"): lambda: href(home_href(user.id)),
        caldav("calendar-user-address-set"): lambda: [element(dav("href"), each) for each in addresses],
        dav("supported-report-set"): lambda: [],
    }


def home_props(principal: Principal) -> Props:
    me = principal_href(principal.subject)
    return {
        **common(principal),
        dav("resourcetype"): lambda: [element(dav("collection"))],
        dav("displayname"): lambda: "Lists",
        dav("owner"): lambda: href(me),
        caldav("calendar-home-set"): lambda: href(home_href(principal.subject)),
        dav("supported-report-set"): lambda: [],
    }


def calendar_props(principal: Principal, calendar: Calendar, cursor: str, max_size: int) -> Props:
    todo_list = calendar.todo_list
    color = hex_of(todo_list.color)
    return {
        **common(principal),
        dav("resourcetype"): lambda: [element(dav("collection")), element(caldav("calendar"))],
        dav("displayname"): lambda: todo_list.name,
        dav("owner"): lambda: href(principal_href(principal.subject)),
        apple("calendar-color"): lambda: color if color is not None else MISSING,
        caldav("supported-calendar-component-set"): lambda: [element(caldav("comp"), name="VTODO")],
        caldav("supported-calendar-data"): lambda: [
            element(caldav("calendar-data"), **{"content-type": "text/calendar", "version": "2.0"})
        ],
        caldav("max-resource-size"): lambda: str(max_size),
        calendarserver("getctag"): lambda: f'"{calendar.sync_seq}"',
        dav("sync-token"): lambda: token_uri(cursor),
        dav("supported-report-set"): lambda: reports(
            caldav("calendar-multiget"), caldav("calendar-query"), dav("sync-collection")
        ),
    }


def object_props(copy: Copy, render: Callable[[], bytes]) -> Props:
    task = copy.task
    return {
        dav("resourcetype"): lambda: [],
        dav("getetag"): lambda: etag_of(task),
        dav("getcontenttype"): lambda: OBJECT_MEDIA_TYPE,
        dav("getlastmodified"): lambda: http_date(task),
        dav("getcontentlength"): lambda: str(len(render())),
        caldav("calendar-data"): lambda: render().decode(),
    }


def http_date(task: Task) -> str:
    return email.utils.format_datetime(task.updated_at.replace(tzinfo=dt.UTC), usegmt=True)
