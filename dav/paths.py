"""Where things are under /dav/, both ways: a request path as the resource it names
(`Target`), and the hrefs of principals, homes, calendars and their objects.

    /dav/                                    the root: who am I (current-user-principal)
    /dav/principals/<user_id>/               the user's principal
    /dav/calendars/<user_id>/                the user's calendar home
    /dav/calendars/<user_id>/<calendar>/     a list as a task calendar
    /dav/calendars/<user_id>/<calendar>/<name>   a task (its VTODO)

Segments are percent-decoded when read and encoded as RFC 3986 path segments when written.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from urllib.parse import quote, unquote

PREFIX = "/dav/"
SEGMENT_SAFE = "-._~!$&'()*+,;=:@"


class Kind(Enum):
    ROOT = "root"
    PRINCIPAL = "principal"
    HOME = "home"
    CALENDAR = "calendar"
    OBJECT = "object"
    NOTHING = "nothing"  # no resource can be there


@dataclass(frozen=True)
class Target:
    kind: Kind
    user_id: str | None = None
    calendar: str | None = None
    name: str | None = None


def target_of(path: str) -> Target:
    """The resource a request path names (its kind, and whose)."""
    rest = path.removeprefix("/dav").strip("/")
    parts = [unquote(part) for part in rest.split("/")] if rest else []
    if not parts:
        return Target(Kind.ROOT)
    if any(not part for part in parts):
        return Target(Kind.NOTHING)
    match parts:
        case ["principals", user_id]:
            return Target(Kind.PRINCIPAL, user_id)
        case ["calendars", user_id]:
            return Target(Kind.HOME, user_id)
        case ["calendars", user_id, calendar]:
            return Target(Kind.CALENDAR, user_id, calendar)
        case ["calendars", user_id, calendar, name]:
            return Target(Kind.OBJECT, user_id, calendar, name)
    return Target(Kind.NOTHING)


def segment(text: str) -> str:
    return quote(text, safe=SEGMENT_SAFE)


def principal_href(user_id: str) -> str:
    return f"{PREFIX}principals/{segment(user_id)}/"


def home_href(user_id: str) -> str:
    return f"{PREFIX}calendars/{segment(user_id)}/"


def calendar_href(user_id: str, calendar: str) -> str:
    return f"{home_href(user_id)}{segment(calendar)}/"


def object_href(user_id: str, calendar: str, name: str) -> str:
    return f"{calendar_href(user_id, calendar)}{segment(name)}"


def href_of(target: Target) -> str:
    """The canonical href of a target (collections end with a slash)."""
    if target.kind is Kind.ROOT or target.user_id is None:
        return PREFIX
    if target.kind is Kind.PRINCIPAL:
        return principal_href(target.user_id)
    if target.kind is Kind.HOME or target.calendar is None:
        return home_href(target.user_id)
    if target.kind is Kind.CALENDAR or target.name is None:
        return calendar_href(target.user_id, target.calendar)
    return object_href(target.user_id, target.calendar, target.name)


def name_in(href: str, user_id: str, calendar: str) -> str | None:
    """The resource name an href names inside calendar `calendar` of `user_id` (a full URL or
    a path), or None when it is not one of that calendar's resources."""
    path = href.strip()
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    found = target_of(path)
    if found.kind is Kind.OBJECT and found.user_id == user_id and found.calendar == calendar:
        return found.name
    return None
