"""What the bench measures: one declarative list of cases, resolved against each server's data.

A case is a line of CASES; bench/README.md ("Adding a case") says how to add one. Each is
resolved (`load`) against the data seeded on the server it runs on, since tokens and task ids
are per server; the ceiling and the login storm are loads of their own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bench.paths import LUA_DIR
from bench.seeding import PASSWORD, SYNC_BODY, Seeded, SeededUser, email
from bench.wrk import Load

User = Literal["reader", "writer", "planner", "editor"]  # seeding.USERS; the editor: bench/peer_run.py


@dataclass(frozen=True)
class Feature:
    """Something a revision must have for a case to run on it, seen from one request.

    The revision has it when the request answers 2xx and, when `header` is named, the response
    carries that header. Probed once per server: a baseline without it reports the case as
    "n/a"; the current revision without it stops the bench (the case list is wrong).
    """

    name: str
    method: str
    path: str  # "{task}": the user's first seeded task
    user: User | None = None
    header: str | None = None


@dataclass(frozen=True)
class Case:
    """One line of the bench: a request wrk sends over and over, at each concurrency.

    `path` may hold "{task}": each request takes the next of the user's seeded tasks (every
    `every`-th of them). `user` sends that user's bearer token; `body` is sent as it is, as
    application/json; `headers` go with every request. `script` is a wrk Lua script under
    bench/lua/ (it gets the BENCH_* environment request.lua reads); then_read.lua sends a GET of
    `read_after` after each request, a write and the read it changes. The pre-flight request (the
    first path, as wrk sends it) must answer one of `statuses` (empty: any 2xx), else the case
    is n/a on a baseline and stops the bench on the current revision.
    """

    name: str
    method: str
    path: str
    user: User | None = None
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    warmup: bool = False  # a warm-up run (c=16) right before each measured run
    unique: bool = False  # each request's address made new (`&n=...`): no page comes from the cache
    every: int = 1
    script: str = "request.lua"
    statuses: tuple[int, ...] = ()
    needs: tuple[Feature, ...] = ()
    metrics: bool = False  # also measured on the METRICS=true server (--metrics)
    unique_header: str = ""  # changing.lua: a header given a new value each request
    read_after: str = ""  # then_read.lua: a GET of this path (as the user) after each request

    def accepts(self, status: int) -> bool:
        return status in self.statuses if self.statuses else 200 <= status < 300


SEARCH_QUERY = "status=pending&q=milk&priority=high&sort=-due_date&limit=20"
NEW_TASK = {"title": "Bench task", "priority": "high", "tags": ["bench", "work"]}
NEW_TASK["due_date"] = "2026-12-01T18:00:00Z"
LOGIN = {"email": email("reader"), "password": PASSWORD}

CHANGING_PATCH = '{"description":"2 litres {n}","priority":"low"}'  # changing.lua fills in {n}
ETAGS = Feature("ETags", "GET", "/api/tasks/{task}", "reader", header="ETag")
CHANGES = Feature("the change feed", "GET", "/api/changes?limit=1", "reader")
AGENTS = Feature("personal tokens and /mcp", "GET", "/api/auth/tokens", "reader")
RECURRENCE = Feature(
    "recurrence and reminders", "GET", "/api/reminders?before=2100-01-01T00:00:00Z", "planner"
)
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}
LISTS = Feature("lists", "GET", "/api/lists", "reader")
CALDAV = Feature("CalDAV", "OPTIONS", "/dav/")
DAV_HEADERS = {"Authorization": "{dav_auth}", "Depth": "1", "Content-Type": "application/xml"}
PROPFIND_HOME = (
    '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/"'
    ' xmlns:ical="http://apple.com/ns/ical/"><d:prop><d:resourcetype/><d:displayname/><ical:calendar-color/>'
    "<c:supported-calendar-component-set/><cs:getctag/><d:sync-token/><d:current-user-privilege-set/>"
    "</d:prop></d:propfind>"
)
# A task app's edit of one task: the writer's first, its description new at each request.
VTODO_EDIT = "\r\n".join(
    (
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "BEGIN:VTODO", "UID:{dav_uid}",
        "DTSTAMP:20260101T000000Z", "SUMMARY:Bench task", "DESCRIPTION:2 litres {n}", "PRIORITY:9",
        "DUE:20261201T180000Z", "CATEGORIES:bench,work", "END:VTODO", "END:VCALENDAR", "",
    )
)  # fmt: skip


def mcp_call(tool: str, arguments: Mapping[str, object]) -> str:
    """One JSON-RPC tools/call, as a stateless MCP client POSTs it to /mcp."""
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": tool, "arguments": arguments},
    }
    return json.dumps(call)


CASES: tuple[Case, ...] = (
    Case("health", "GET", "/health"),
    Case("list 20", "GET", "/api/tasks?limit=20", "reader", warmup=True, metrics=True),
    Case("list 20, not cached", "GET", "/api/tasks?limit=20", "reader", unique=True),
    Case("list filter+search", "GET", f"/api/tasks?{SEARCH_QUERY}", "reader", warmup=True),
    Case("get one", "GET", "/api/tasks/{task}", "reader", every=10, metrics=True),
    Case("create", "POST", "/api/tasks", "writer", json.dumps(NEW_TASK), metrics=True),
    Case("patch", "PATCH", "/api/tasks/{task}", "writer", CHANGING_PATCH, script="changing.lua"),
    Case("complete (toggle)", "PATCH", "/api/tasks/{task}/complete", "writer"),
    # Its recurring twin, on every 20th of the planner's daily tasks: a task's first completion
    # makes its next occurrence (with its 5 reminders armed, beside the 100,000 armed already),
    # later toggles reopen it or find the next one made.
    Case(
        "complete recurring (toggle)",
        "PATCH",
        "/api/tasks/{task}/complete",
        "planner",
        every=20,
        needs=(RECURRENCE,),
    ),
    # Write safety and sync, each beside its plain twin above.
    Case(
        "list 20, 304",
        "GET",
        "/api/tasks?limit=20",
        "reader",
        headers={"If-None-Match": "{list_etag}"},
        warmup=True,
        statuses=(304,),
        needs=(ETAGS,),
    ),
    Case(
        "patch, If-Match",
        "PATCH",
        "/api/tasks/{task}",
        "writer",
        CHANGING_PATCH,
        headers={"If-Match": "*"},
        script="changing.lua",
        needs=(ETAGS,),
    ),
    Case(
        "create, Idempotency-Key",
        "POST",
        "/api/tasks",
        "writer",
        json.dumps(NEW_TASK),
        script="changing.lua",
        unique_header="Idempotency-Key",
        needs=(ETAGS,),
    ),
    Case("changes, nothing new", "GET", "/api/changes?since={cursor}", "reader", needs=(CHANGES,)),
    # Agents: each MCP tool beside its REST twin (list_tasks reads the page anew: no page cache).
    Case(
        "MCP list_tasks 20",
        "POST",
        "/mcp",
        "reader",
        mcp_call("list_tasks", {"limit": 20}),
        headers=MCP_HEADERS,
        warmup=True,
        needs=(AGENTS,),
        metrics=True,
    ),
    Case(
        "MCP add_task",
        "POST",
        "/mcp",
        "writer",
        mcp_call("add_task", NEW_TASK),
        headers=MCP_HEADERS,
        needs=(AGENTS,),
    ),
    # CalDAV (task apps on phones): each request beside its REST twin above, signed in as an app
    # is, with the email and an app password (a personal token read at each request).
    Case("lists (50)", "GET", "/api/lists", "reader", needs=(LISTS,)),
    Case(
        "CalDAV PROPFIND home (50 lists)",
        "PROPFIND",
        "{dav_home}",
        "reader",
        PROPFIND_HOME,
        headers=DAV_HEADERS,
        statuses=(207,),
        needs=(CALDAV,),
    ),
    Case(
        "CalDAV sync, nothing new",
        "REPORT",
        "{dav_calendar}",
        "reader",
        SYNC_BODY.replace("{token}", "{dav_token}"),
        headers=DAV_HEADERS,
        statuses=(207,),
        needs=(CALDAV,),
    ),
    Case(
        "CalDAV GET one",
        "GET",
        "{dav_calendar}{uid}.ics",
        "reader",
        headers={"Authorization": "{dav_auth}"},
        every=10,
        needs=(CALDAV,),
    ),
    Case(
        "CalDAV PUT one",
        "PUT",
        "{dav_calendar}{dav_uid}.ics",
        "writer",
        VTODO_EDIT,
        headers={"Authorization": "{dav_auth}", "Content-Type": "text/calendar"},
        script="changing.lua",
        needs=(CALDAV,),
    ),
    # A client's first sync of the reader's Inbox: 1,000 tasks, each one href and ETag.
    Case(
        "CalDAV sync, 1,000 changed",
        "REPORT",
        "{dav_calendar}",
        "reader",
        SYNC_BODY.replace("{token}", ""),
        headers=DAV_HEADERS,
        statuses=(207,),
        needs=(CALDAV,),
    ),
    Case("login (bcrypt 12)", "POST", "/api/auth/login", body=json.dumps(LOGIN)),
)

# The ceiling runs right before this case at each concurrency, so that the target's ratio
# compares runs seconds apart (a shared VM's speed drifts over minutes).
CEILING_BESIDE = "list 20"
CEILING = Load("ceiling (bare Starlette)", "GET", ("/api/tasks?limit=20",))  # the reader's page, as bytes
STORM_LOGIN_CONCURRENCY = 16
STORM_HEALTH_CONCURRENCY = 4


def paths(path: str, task_ids: tuple[int, ...], every: int = 1) -> tuple[str, ...]:
    """`path` for every `every`-th of the tasks when it names "{task}", else `path` alone."""
    if "{task}" not in path:
        return (path,)
    return tuple(path.replace("{task}", str(task_id)) for task_id in task_ids[::every])


def load(case: Case, seeded: Seeded) -> Load:
    """The case as wrk sends it to the server `seeded` was seeded on."""
    user = seeded[case.user] if case.user else None
    held = held_by(user) if user else {}
    found = paths(case.path, user.task_ids if user else (), case.every)
    if user and "{uid}" in case.path:
        found = tuple(case.path.replace("{uid}", uid) for uid in user.uids[:: case.every])
    return Load(
        name=case.name,
        method=case.method,
        paths=tuple(fill(path, held) for path in found),
        token=user.token if user else None,
        body=fill(case.body, held) if case.body is not None else None,
        headers={name: fill(value, held) for name, value in case.headers.items()},
        unique=case.unique,
        script=LUA_DIR / case.script,
        unique_header=case.unique_header,
        read_after=case.read_after,
    )


def held_by(user: SeededUser) -> dict[str, str | None]:
    """The placeholders a case may name, and what the user holds for each."""
    home = user.dav_calendar.rsplit("/", 2)[0] + "/" if user.dav_calendar else None
    return {
        "{list_etag}": user.list_etag,
        "{cursor}": user.feed_cursor,
        "{dav_auth}": user.dav_auth,
        "{dav_calendar}": user.dav_calendar,
        "{dav_home}": home,
        "{dav_token}": user.dav_token,
        "{dav_uid}": user.uids[0] if user.uids else None,
    }


def fill(text: str, held: Mapping[str, str | None]) -> str:
    """`text` with what the user holds once synced in place of its placeholders (the cases that
    name one need the feature that gives it, so a revision without it never gets here)."""
    for placeholder, value in held.items():
        if value is not None:
            text = text.replace(placeholder, value)
    return text


def probe(feature: Feature, seeded: Seeded) -> Load:
    """The request that shows whether a server has `feature`."""
    user = seeded[feature.user] if feature.user else None
    return Load(
        name=feature.name,
        method=feature.method,
        paths=paths(feature.path, user.task_ids[:1] if user else ()),
        token=user.token if user else None,
    )


def storm() -> list[tuple[Load, int]]:
    """Login at STORM_LOGIN_CONCURRENCY and /health beside it, run at the same time."""
    login = next(case for case in CASES if case.name.startswith("login"))
    return [
        (Load("storm: login", login.method, (login.path,), body=login.body), STORM_LOGIN_CONCURRENCY),
        (Load("storm: /health beside it", "GET", ("/health",)), STORM_HEALTH_CONCURRENCY),
    ]


def select(names: tuple[str, ...]) -> tuple[Case, ...]:
    """The cases named (all when none is); an unknown name is an error that lists the known."""
    known = {case.name for case in CASES}
    if unknown := [name for name in names if name not in known]:
        raise ValueError(f"no case {unknown!r}; the cases: {sorted(known)}")
    return tuple(case for case in CASES if not names or case.name in names)


def case_named(name: str) -> Case:
    return next(case for case in CASES if case.name == name)
