"""The XML names of WebDAV, CalDAV and the extensions clients read (Clark notation:
`{namespace}local`, as xml.etree writes them)."""

from __future__ import annotations

DAV_NS = "DAV:"
CALDAV_NS = "urn:ietf:params:xml:ns:caldav"
CALENDARSERVER_NS = "http://calendarserver.org/ns/"
APPLE_NS = "http://apple.com/ns/ical/"
# Our own element for a refusal's reason in an error body (as sabre/dav's `s:message`).
TODO_NS = "urn:x-todo-api"

PREFIXES = {"d": DAV_NS, "cal": CALDAV_NS, "cs": CALENDARSERVER_NS, "ical": APPLE_NS, "t": TODO_NS}


def dav(local: str) -> str:
    return f"{{{DAV_NS}}}{local}"


def caldav(local: str) -> str:
    return f"{{{CALDAV_NS}}}{local}"


def calendarserver(local: str) -> str:
    return f"{{{CALENDARSERVER_NS}}}{local}"


def apple(local: str) -> str:
    return f"{{{APPLE_NS}}}{local}"


def todo(local: str) -> str:
    return f"{{{TODO_NS}}}{local}"
