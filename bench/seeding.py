"""The data every run starts from, created over HTTP, and the small client that creates it."""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PASSWORD = "bench-password-1"
READER_TASKS = 1000
WRITER_TASKS = 200
PLANNER_TASKS = 20_000  # recurring, with 5 reminders each: 100,000 armed reminders
# The reader's tasks are read (list, search, get), the writer's written (create, patch,
# complete), the planner's completed (each completion makes the next occurrence). A revision
# without recurrence takes the planner's tasks as plain ones (it ignores the fields it lacks).
USERS = (("reader", READER_TASKS), ("writer", WRITER_TASKS), ("planner", PLANNER_TASKS))
LISTS = 50  # the reader's lists, the Inbox among them (the CalDAV home's calendars)
# The users the CalDAV cases sign in as. Not the planner: a first sync of its 20,000 tasks is
# no case here, and its peak (~85 MB more) would stay in every later case's resident set.
DAV_USERS = ("reader", "writer")
REMINDERS = [{"before": "PT5M"}, {"before": "PT15M"}, {"before": "PT1H"}, {"before": "P1D"}]


class Client:
    """A keep-alive JSON client for seeding and pre-flight checks."""

    def __init__(self, port: int) -> None:
        # Long enough for a server that stalls to answer late rather than never: the FastAPI
        # peer's requests wait out its connection pool's 30 s timeout at high concurrency.
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(
        self,
        method: str,
        path: str,
        body: object = None,
        token: str | None = None,
        raw: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One request; (status, response headers, body)."""
        sent = {"Authorization": f"Bearer {token}"} if token else {}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        self.conn.request(method, path, body=data, headers=sent)
        response = self.conn.getresponse()
        return response.status, response.msg, response.read()

    def json(self, method: str, path: str, body: object = None, token: str | None = None) -> object:
        status, _, data = self.call(method, path, body, token)
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path} -> {status}: {data[:300]!r}")
        return json.loads(data)


VERBS = ("Buy", "Call", "Email", "Fix", "Plan", "Read", "Review", "Write", "Clean", "Book")
OBJECTS: tuple[str, ...] = ("milk", "the report", "dentist", "bike", "budget", "slides", "garden", "tickets")
OBJECTS += ("invoice", "groceries", "car", "notes")
TAGS = ("home", "work", "errands", "health", "finance", "urgent", "later", "family")


def task_body(rng: random.Random, number: int) -> dict[str, object]:
    """A varied task: titles, descriptions, tags, priorities, due dates, ~40% completed."""
    body: dict[str, object] = {
        "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} #{number}",
        "priority": rng.choice(("low", "medium", "high")),
        "tags": rng.sample(TAGS, rng.randint(0, 3)),
        "completed": rng.random() < 0.4,
    }
    if rng.random() < 0.4:
        body["description"] = f"Remember the {rng.choice(OBJECTS)} before {rng.choice(VERBS).lower()}ing"
    if rng.random() < 0.5:
        due = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=rng.randint(0, 24 * 365))
        body["due_date"] = due.isoformat().replace("+00:00", "Z")
    return body


def recurring_body(rng: random.Random, number: int) -> dict[str, object]:
    """A daily task due years ahead, so that none of its reminders fires during a run."""
    due = dt.datetime(2031, 1, 1, 9, tzinfo=dt.UTC) + dt.timedelta(hours=number)
    return {
        "title": f"Standup #{number}",
        "due_date": due.isoformat().replace("+00:00", "Z"),
        "recurrence": "FREQ=DAILY",
        "reminders": [*REMINDERS, {"at": (due - dt.timedelta(days=2)).isoformat().replace("+00:00", "Z")}],
    }


def email(user: str) -> str:
    return f"{user}@bench.example"


@dataclass(frozen=True)
class SeededUser:
    token: str
    task_ids: tuple[int, ...]  # in creation order
    # What a client holds once it has synced, where the revision has it (else None): the ETag of
    # its first page of 20, and the change feed's cursor after everything.
    list_etag: str | None = None
    feed_cursor: str | None = None
    # What a task app holds once it has synced its Inbox over CalDAV, where the revision has it:
    # its Authorization (Basic, the email and an app password), the Inbox's path, the sync
    # token after everything, and the tasks' UIDs in creation order.
    dav_auth: str | None = None
    dav_calendar: str | None = None
    dav_token: str | None = None
    uids: tuple[str, ...] = ()


Seeded = Mapping[str, SeededUser]  # by user name, one entry per USERS


def seed(port: int, users_and_tasks: tuple[tuple[str, int], ...] = USERS) -> Seeded:
    """The users (USERS unless named) signed up and given their tasks over HTTP, on a fresh
    database. The same random sequence every time: each side of a run starts from the same data."""
    client, rng = Client(port), random.Random(42)
    users: dict[str, SeededUser] = {}
    for user, count in users_and_tasks:
        signup = {"email": email(user), "password": PASSWORD, "name": user}
        answer = client.json("POST", "/api/auth/signup", signup)
        assert isinstance(answer, dict)
        token = answer["access_token"]
        ids, uids = [], []
        body = recurring_body if user == "planner" else task_body
        for number in range(count):
            task = client.json("POST", "/api/tasks", body(rng, number), token)
            assert isinstance(task, dict)
            ids.append(task["id"])
            uids.append(str(task.get("uid", "")))
        if user == "reader":
            add_lists(client, token)
        dav = dav_state(client, token, email(user), answer) if user in DAV_USERS else NO_DAV
        users[user] = SeededUser(token, tuple(ids), *synced_state(client, token), *dav, uids=tuple(uids))
    return users


def add_lists(client: Client, token: str) -> None:
    """Lists up to LISTS beside the Inbox, where the revision has lists."""
    for number in range(1, LISTS):
        status, _, _ = client.call("POST", "/api/lists", {"name": f"List {number}"}, token)
        if status == 404:
            return


SYNC_BODY = (
    '<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>'
    "<d:prop><d:getetag/></d:prop></d:sync-collection>"
)


DavState = tuple[str | None, str | None, str | None]
NO_DAV: DavState = (None, None, None)


def dav_state(client: Client, token: str, address: str, signed_up: dict[str, Any]) -> DavState:
    """(Authorization, the Inbox's path, the sync token after everything) of a task app signed
    in with an app password; Nones where the revision (or the peer) has no CalDAV."""
    status, _, data = client.call("POST", "/api/auth/tokens", {"name": "bench"}, token)
    if status != 201:
        return NO_DAV
    auth = "Basic " + base64.b64encode(f"{address}:{json.loads(data)['token']}".encode()).decode()
    user_id = signed_up["user"]["id"]
    lists = client.json("GET", "/api/lists", token=token)
    assert isinstance(lists, list)
    inbox = next(each["id"] for each in lists if each["is_default"])
    calendar = f"/dav/calendars/{user_id}/{inbox}/"
    headers = {"Authorization": auth, "Depth": "1", "Content-Type": "application/xml"}
    status, _, data = client.call("REPORT", calendar, raw=SYNC_BODY.replace("{token}", ""), headers=headers)
    if status != 207:
        return NO_DAV
    sync_token = data.decode().split("<d:sync-token>")[-1].split("<")[0]
    return auth, calendar, sync_token


def synced_state(client: Client, token: str) -> tuple[str | None, str | None]:
    """(the list's ETag, the feed's last cursor), each None where the revision has none."""
    _, headers, _ = client.call("GET", "/api/tasks?limit=20", token=token)
    cursor, more = None, True
    while more:
        query = f"?limit=1000&since={cursor}" if cursor else "?limit=1000"
        status, _, data = client.call("GET", f"/api/changes{query}", token=token)
        if status != 200:
            return headers.get("ETag"), None
        answer = json.loads(data)
        cursor, more = answer["cursor"], answer["has_more"]
    return headers.get("ETag"), cursor
