"""CalDAV for tests: an account with an app password (a personal access token) as a task app
signs in with it, raw WebDAV requests through the in-process app, multistatus answers read
into dicts, and VTODO bodies written with the icalendar library."""

from __future__ import annotations

import base64
import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
from icalendar import Alarm, Calendar, Todo
from starlette.testclient import TestClient

from tests.support.accounts import auth, signup

D, C, CS, ICAL = (
    "DAV:",
    "urn:ietf:params:xml:ns:caldav",
    "http://calendarserver.org/ns/",
    "http://apple.com/ns/ical/",
)
NS = {"d": D, "c": C, "cs": CS, "ical": ICAL}


@dataclass
class DavUser:
    client: TestClient
    id: str
    email: str
    jwt: str
    token: str  # the app password

    @property
    def headers(self) -> dict[str, str]:
        return basic(self.email, self.token)

    @property
    def home(self) -> str:
        return f"/dav/calendars/{self.id}/"

    def calendar(self, name: str | int) -> str:
        return f"{self.home}{name}/"

    def request(
        self, method: str, path: str, body: str | bytes | None = None, **headers: str
    ) -> httpx.Response:
        sent = {**self.headers, **{name.replace("_", "-"): value for name, value in headers.items()}}
        return self.client.request(method, path, content=body, headers=sent)

    def rest(self, method: str, path: str, json: Any = None) -> Any:
        response = self.client.request(method, path, json=json, headers=auth(self.jwt))
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def inbox_id(self) -> int:
        (inbox,) = [each for each in self.rest("GET", "/api/lists") if each["is_default"]]
        return int(inbox["id"])

    def put(self, calendar: str | int, name: str, body: bytes, **headers: str) -> httpx.Response:
        return self.request(
            "PUT", f"{self.calendar(calendar)}{name}", body, content_type="text/calendar", **headers
        )


def basic(email: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()}


def dav_user(client: TestClient, email: str = "ann@example.com", scopes: list[str] | None = None) -> DavUser:
    account = signup(client, email)
    jwt = account["access_token"]
    body = {"name": "phone", **({"scopes": scopes} if scopes else {})}
    made = client.post("/api/auth/tokens", json=body, headers=auth(jwt))
    assert made.status_code == 201, made.text
    return DavUser(client, account["user"]["id"], email, jwt, made.json()["token"])


def multistatus(response: httpx.Response) -> dict[str, dict[str, Any]]:
    """href -> {"status": the response's own status, or the property names by propstat status:
    {200: {name: element}, 404: {...}}}; also the sync token under the key "sync-token"."""
    assert response.status_code == 207, response.text
    root = ET.fromstring(response.content)  # noqa: S314 (the service's own answer)
    found: dict[str, dict[str, Any]] = {}
    for each in root.findall("d:response", NS):
        href = each.findtext("d:href", namespaces=NS) or ""
        entry: dict[str, Any] = {}
        status = each.findtext("d:status", namespaces=NS)
        if status is not None:
            entry["status"] = int(status.split()[1])
        for propstat in each.findall("d:propstat", NS):
            code = int((propstat.findtext("d:status", namespaces=NS) or "").split()[1])
            entry[code] = {prop.tag: prop for prop in propstat.find("d:prop", NS) or []}
        found[href] = entry
    token = root.findtext("d:sync-token", namespaces=NS)
    if token is not None:
        found["sync-token"] = {"token": token}
    return found


def propfind(user: DavUser, path: str, props: list[str], depth: str = "0") -> dict[str, dict[str, Any]]:
    prefixes = {namespace: prefix for prefix, namespace in NS.items()}
    names = "".join(f"<{prefixes[name[1:].split('}')[0]]}:{name.split('}')[1]}/>" for name in props)
    namespaces = f'xmlns:d="DAV:" xmlns:c="{C}" xmlns:cs="{CS}" xmlns:ical="{ICAL}"'
    body = f"<d:propfind {namespaces}><d:prop>{names}</d:prop></d:propfind>"
    return multistatus(user.request("PROPFIND", path, body, depth=depth))


def error_condition(response: httpx.Response) -> list[str]:
    """The element names inside a `<d:error>` body."""
    return [child.tag for child in ET.fromstring(response.content)]  # noqa: S314 (the service's answer)


def vtodo(uid: str, summary: str | None = "Task", **props: Any) -> Todo:
    todo = Todo()
    todo.add("UID", uid)
    todo.add("DTSTAMP", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    if summary is not None:
        todo.add("SUMMARY", summary)
    for name, value in props.items():
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], dict):
            todo.add(name.replace("_", "-"), value[0], parameters=value[1])
        else:
            todo.add(name.replace("_", "-"), value)
    return todo


def ics(*components: Any) -> bytes:
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", "-//tests//EN")
    for component in components:
        calendar.add_component(component)
    body: bytes = calendar.to_ical()
    return body


def alarm(trigger: Any, **params: str) -> Alarm:
    component = Alarm()
    component.add("ACTION", "DISPLAY")
    component.add("DESCRIPTION", "Reminder")
    component.add("TRIGGER", trigger, parameters=params or None)
    return component


def read_ics(response: httpx.Response) -> Todo:
    assert response.status_code == 200, response.text
    calendar = Calendar.from_ical(response.content)
    (todo,) = calendar.walk("VTODO")
    return todo
