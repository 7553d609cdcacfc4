"""Where a request's time goes, in-process: the app called as ASGI in one uvloop, no sockets,
no load generator, so what is left is the app's own work.

    .venv/bin/python -m bench.profile [--requests N] [--case NAME ...] [--database URL]

For each hot path it sends N requests (after as many to warm up) and splits each one's wall
time into: the database work in its thread, or on the loop for a point write on SQLite (each
statement, by its SQL, and the rest of the unit of work: the pool, BEGIN and COMMIT, peewee's
rows), the hop to that thread and back (for a write on the loop: the call's own work around
it), and what the event loop does (middleware, routing, authentication, validation, JSON, the
response). The WAL checkpoints, which a thread runs beside the requests, are listed apart, in
parentheses, and not counted in the request's time. bench/README.md ("Where the time goes")
keeps the table it printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import peewee
import uvloop

from router import create_app
from runtime import calls
from runtime.group_commit import GroupWriter
from settings import load_settings

Headers = list[tuple[bytes, bytes]]


@dataclass
class Timings:
    """What one case's requests spent, summed over them (a group of writes committed together
    counts once: at one request at a time, each group is one write)."""

    requests: int = 0
    cpu: float = 0.0  # the process's CPU time (all its threads): what other processes do not move
    wall: list[float] = field(default_factory=list)
    in_thread: float = 0.0  # the units of work, in a database thread or (a point write) on the loop
    hop: float = 0.0
    statements: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    beside: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # checkpoints


class App:
    """The app driven as an ASGI server would drive it: lifespan, then one request at a time."""

    def __init__(self, asgi: Any) -> None:
        self.asgi = asgi
        self.state: dict[str, Any] = {}
        self.shutdown = asyncio.Event()
        self.started = asyncio.Event()

    async def start(self) -> None:
        async def receive() -> dict[str, Any]:
            if not self.started.is_set():
                return {"type": "lifespan.startup"}
            await self.shutdown.wait()
            return {"type": "lifespan.shutdown"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "lifespan.startup.complete":
                self.started.set()
            elif message["type"].endswith("failed"):
                raise RuntimeError(message)

        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}
        self.lifespan = asyncio.create_task(self.asgi(scope, receive, send))
        await asyncio.wait_for(self.started.wait(), 30)

    async def stop(self) -> None:
        self.shutdown.set()
        await self.lifespan

    async def call(
        self, method: str, path: str, body: Any = None, headers: Headers = ()
    ) -> tuple[int, bytes]:
        target, _, query = path.partition("?")
        data = b"" if body is None else json.dumps(body).encode()
        sent: Headers = [(b"host", b"127.0.0.1:7860"), *headers]
        if body is not None:
            sent.append((b"content-type", b"application/json"))
            sent.append((b"content-length", str(len(data)).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": target,
            "raw_path": target.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": sent,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 7860),
            "state": dict(self.state),
        }
        answer: dict[str, Any] = {"status": 0, "body": b""}
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if delivered:
                await asyncio.sleep(3600)
            delivered = True
            return {"type": "http.request", "body": data, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        await self.asgi(scope, receive, send)
        return answer["status"], answer["body"]


@dataclass(frozen=True)
class Case:
    name: str
    # (app, token, task ids, n) -> the next request: method, path, body, extra headers
    request: Callable[[int], tuple[str, str, Any, Headers]]


@contextmanager
def instrumented(db: peewee.Database, timings: list[Timings]) -> Iterator[None]:
    """Each statement's time (by its SQL), each unit of work's (in its thread, or on the loop for a
    point write), each database call's on the loop, added to `timings[0]` (the case being
    measured). The WAL checkpoints run beside the requests, in a thread of their own: kept apart."""
    execute_sql, begin, commit = db.execute_sql, db.begin, db.commit
    unit_of_work, call_unit = calls.unit_of_work, calls.call_unit
    group_commit, write_here = GroupWriter.commit, GroupWriter.write_here

    def timed_sql(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute_sql(sql, params, *args, **kwargs)
        finally:
            spent = timings[0].beside if sql.startswith("PRAGMA wal_checkpoint") else timings[0].statements
            spent[shape_of(sql)].append(time.perf_counter() - began)

    def timed_unit(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return unit_of_work(*args, **kwargs)
        finally:
            timings[0].in_thread += time.perf_counter() - began

    def timed_group(writer: GroupWriter, batch: list[Any]) -> None:
        began = time.perf_counter()
        try:
            group_commit(writer, batch)
        finally:
            timings[0].in_thread += time.perf_counter() - began

    def timed_here(writer: GroupWriter, work: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        try:
            return write_here(writer, work)
        finally:
            timings[0].in_thread += time.perf_counter() - began

    async def timed_call(*args: Any, **kwargs: Any) -> Any:
        began, before = time.perf_counter(), timings[0].in_thread
        try:
            return await call_unit(*args, **kwargs)
        finally:
            timings[0].hop += (time.perf_counter() - began) - (timings[0].in_thread - before)

    def timed(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def run_timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                timings[0].statements[name].append(time.perf_counter() - began)

        return run_timed

    db.execute_sql = timed_sql  # type: ignore[method-assign]
    db.begin = timed("BEGIN", begin)  # type: ignore[method-assign]
    db.commit = timed("COMMIT", commit)  # type: ignore[method-assign]
    calls.unit_of_work = timed_unit  # type: ignore[assignment]
    calls.call_unit = timed_call  # type: ignore[assignment]
    GroupWriter.commit = timed_group  # type: ignore[method-assign]
    GroupWriter.write_here = timed_here  # type: ignore[method-assign]
    try:
        yield
    finally:
        db.execute_sql, db.begin, db.commit = execute_sql, begin, commit  # type: ignore[method-assign]
        calls.unit_of_work = unit_of_work
        calls.call_unit = call_unit
        GroupWriter.commit, GroupWriter.write_here = group_commit, write_here  # type: ignore[method-assign]


def shape_of(sql: str) -> str:
    """A statement's kind and table, enough to tell the statements of one request apart."""
    words = sql.replace('"', "").replace("`", "").split()
    if words[0] in ("SAVEPOINT", "RELEASE", "ROLLBACK"):  # a savepoint's name is new each time
        return " ".join(word for word in words if word.isupper())
    head = " ".join(words[:1])
    for keyword in ("FROM", "INTO", "UPDATE"):
        if keyword in words:
            table = words[words.index(keyword) + 1]
            return f"{head} {table}" if keyword != "UPDATE" else f"UPDATE {table}"
    return " ".join(words[:3])


async def seed(app: App, tasks: int) -> tuple[Headers, list[int]]:
    status, body = await app.call(
        "POST", "/api/auth/signup", {"email": "p@example.com", "password": "x" * 12}
    )
    assert status == 201, body
    auth: Headers = [(b"authorization", f"Bearer {json.loads(body)['access_token']}".encode())]
    ids = []
    for n in range(tasks):
        task = {"title": f"Task {n}", "tags": ["home", "work"][: n % 3], "due_date": "2031-01-01T09:00:00Z"}
        status, body = await app.call("POST", "/api/tasks", task, auth)
        assert status == 201, body
        ids.append(json.loads(body)["id"])
    return auth, ids


async def synced_cursor(app: App, auth: Headers) -> str:
    """The change feed's cursor once a client has read all of it."""
    query, more = "", True
    while more:
        status, body = await app.call("GET", f"/api/changes?limit=1000{query}", None, auth)
        assert status == 200, body
        answer = json.loads(body)
        query, more = f"&since={answer['cursor']}", answer["has_more"]
    return query.removeprefix("&since=")


def cases(ids: list[int], cursor: str) -> list[Case]:
    def pick(n: int) -> int:
        return ids[n % len(ids)]

    def priority(n: int) -> str:
        """A new one each time a task comes round again: every patch changes something."""
        return ("low", "high")[n // len(ids) % 2]

    return [
        Case("get one", lambda n: ("GET", f"/api/tasks/{pick(n)}", None, [])),
        # Before any write: nothing is new since the cursor.
        Case("changes, nothing new", lambda n: ("GET", f"/api/changes?since={cursor}", None, [])),
        Case("create", lambda n: ("POST", "/api/tasks", {"title": f"New {n}", "tags": ["a", "b"]}, [])),
        Case(
            "create, Idempotency-Key",
            lambda n: (
                "POST",
                "/api/tasks",
                {"title": f"Keyed {n}"},
                [(b"idempotency-key", f"k{n}".encode())],
            ),
        ),
        Case("patch", lambda n: ("PATCH", f"/api/tasks/{pick(n)}", {"priority": priority(n)}, [])),
        Case("complete (toggle)", lambda n: ("PATCH", f"/api/tasks/{pick(n)}/complete", None, [])),
        Case("list 20 (cached)", lambda n: ("GET", "/api/tasks?limit=20", None, [])),
        Case("list 20 (not cached)", lambda n: ("GET", f"/api/tasks?limit=20&n={n}", None, [])),
    ]


async def measure(app: App, db: peewee.Database, auth: Headers, case: Case, requests: int) -> Timings:
    timings = [Timings()]
    for n in range(requests):  # warm-up, not counted
        method, path, body, headers = case.request(n)
        status, answer = await app.call(method, path, body, [*auth, *headers])
        assert status < 400, (case.name, status, answer[:200])
    timings[0] = Timings()
    cpu = time.process_time()
    with instrumented(db, timings):
        for n in range(requests, 2 * requests):
            method, path, body, headers = case.request(n)
            began = time.perf_counter()
            status, answer = await app.call(method, path, body, [*auth, *headers])
            timings[0].wall.append(time.perf_counter() - began)
            assert status < 400, (case.name, status, answer[:200])
    timings[0].requests = requests
    timings[0].cpu = time.process_time() - cpu
    return timings[0]


def report(name: str, timings: Timings) -> list[str]:
    n = timings.requests
    wall = statistics.fmean(timings.wall) * 1e6
    thread = timings.in_thread / n * 1e6
    hop = timings.hop / n * 1e6
    statements = sum(sum(each) for each in timings.statements.values()) / n * 1e6
    cpu, median = timings.cpu / n * 1e6, statistics.median(timings.wall) * 1e6
    lines = [
        f"| {name} | {cpu:.0f} | {wall:.0f} | {median:.0f} | "
        f"{wall - thread - hop:.0f} | {hop:.0f} | {thread - statements:.0f} | {statements:.0f} |"
    ]
    for sql, spent in sorted(timings.statements.items(), key=lambda item: -sum(item[1])):
        lines.append(f"|   {sql} ({len(spent) / n:g} per request) | | | | | | | {sum(spent) / n * 1e6:.0f} |")
    for sql, spent in timings.beside.items():
        share = f"{len(spent) / n:g} per request"
        lines.append(f"|   beside: {sql} ({share}) | | | | | | | ({sum(spent) / n * 1e6:.0f}) |")
    return lines


async def main(arguments: argparse.Namespace) -> None:
    data_dir = tempfile.mkdtemp(prefix="todo-profile-")
    env = {"DATA_DIR": data_dir, "BCRYPT_ROUNDS": "4", "JWT_SECRET": "p" * 40, "LOG_LEVEL": "warning"}
    if arguments.database:
        env["DATABASE_URL"] = arguments.database
    settings = load_settings(env, env_file=None)
    app = App(create_app(settings))
    await app.start()
    try:
        db = app.state["services"].db
        auth, ids = await seed(app, arguments.tasks)
        print(f"# {settings.database.masked}, {arguments.requests} requests per case (µs per request)\n")
        print("| case | CPU | mean | median | event loop | thread hop | unit of work | statements |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for case in cases(ids, await synced_cursor(app, auth)):
            if arguments.case and case.name not in arguments.case:
                continue
            for line in report(case.name, await measure(app, db, auth, case, arguments.requests)):
                print(line)
    finally:
        await app.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--case", action="append")
    parser.add_argument("--database", help="a DATABASE_URL (default: SQLite in a temporary directory)")
    uvloop.run(main(parser.parse_args()))
