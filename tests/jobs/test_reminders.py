"""Recurrence and reminders through real server processes: a `reminder.due` event on the
stream and on webhooks within the contract's 30 s, each reminder once with two processes on one
database (two servers on PostgreSQL, two workers on SQLite), also when one is killed with
SIGKILL while reminders are due, and after downtime (up to 24 h late fired, older dropped);
concurrent completions through both processes making one next occurrence, which the database
itself enforces."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import peewee
import pytest

from models import open_database
from settings import Settings
from tests.support.accounts import signup
from tests.support.live import Server, call, send, uvicorn_command
from tests.support.receiver import Receiver
from tests.support.sse import EventStream

FAST = {"REMINDER_POLL_SECONDS": "1", "WEBHOOK_ALLOW_PRIVATE": "true"}
pytestmark = [pytest.mark.slow, pytest.mark.server_env(**FAST)]


def at(seconds: float) -> str:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fired(server: Server, token: str, expected: int, timeout: float) -> list[dict[str, Any]]:
    """The user's reminder.due events, once `expected` have come (from the start of the stream)."""
    stream = EventStream(f"{server.base}/api/events?last_event_id=0", token)
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    try:
        while len(found) < expected:
            message = stream.next(max(deadline - time.monotonic(), 0.01))
            if message.event == "reminder.due":
                found.append(message.json())
    finally:
        stream.close()
    return found


def no_more(server: Server, token: str, seconds: float) -> int:
    """How many reminder.due events the user has once `seconds` have passed."""
    time.sleep(seconds)
    stream = EventStream(f"{server.base}/api/events?last_event_id=0", token)
    count = 0
    try:
        while True:
            try:
                message = stream.next(1)
            except TimeoutError:
                return count
            count += message.event == "reminder.due"
    finally:
        stream.close()


def test_a_reminder_fires_once_on_the_stream_and_on_webhooks(server: Server) -> None:
    token = signup(server)["access_token"]
    receiver = Receiver()
    try:
        send(server, token, "POST", "/api/webhooks", {"url": receiver.url, "events": ["reminder.due"]})
        stream = EventStream(f"{server.base}/api/events", token)
        due = at(600)
        task = send(
            server, token, "POST", "/api/tasks", {"title": "Call the dentist", "due_date": due,
                                                  "reminders": [{"at": at(2)}, {"before": "PT1M"}]},
        )  # fmt: skip
        asked = time.monotonic()
        message = stream.next(timeout=30)
        while message.event != "reminder.due":
            message = stream.next(timeout=30)
        assert time.monotonic() - asked < 30
        event = message.json()
        assert event["type"] == "reminder.due" and event["id"] == message.id
        assert (
            event["data"]["task"]["id"] == task["id"] and event["data"]["task"]["title"] == "Call the dentist"
        )
        assert event["data"]["reminder"]["at"] == task["reminders"][0]["at"]
        assert event["data"]["reminder"]["fire_at"] == task["reminders"][0]["at"]
        (delivery,) = receiver.wait_for(1, timeout=10)
        assert delivery.json() == event and delivery.headers["webhook-id"] == event["id"]
        stream.close()
        armed = send(server, token, "GET", "/api/reminders?before=2100-01-01T00:00:00Z")
        assert [reminder["reminder"] for reminder in armed] == [
            {"before": "PT1M"}
        ]  # the other is still ahead
        assert no_more(server, token, 2) == 1
    finally:
        receiver.close()


@pytest.fixture
def processes(settings: Settings, database_kind: str) -> Iterator[list[Server]]:
    """Two processes on one database: two servers on PostgreSQL, two workers on SQLite."""
    if database_kind == "mysql":
        pytest.skip("the two-process cases run on PostgreSQL and SQLite (MariaDB's claim is the same UPDATE)")
    if database_kind == "sqlite":
        two = Server.sharing(settings, **FAST)
        two.command = uvicorn_command(two.port, workers=2)
        servers = [two.start()]
    else:
        servers = [Server.sharing(settings, **FAST).start(), Server.sharing(settings, **FAST).start()]
    yield servers
    for running in servers:
        running.stop()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def remind_many(servers: list[Server], tokens: list[str], count: int, seconds: float) -> None:
    """`count` tasks with two reminders each, due in `seconds`, made through every process."""
    for n in range(count):
        server, token = servers[n % len(servers)], tokens[n % len(tokens)]
        body = {
            "title": f"t{n}",
            "due_date": at(seconds + 60),
            "reminders": [{"at": at(seconds)}, {"before": "PT1M"}],
        }
        send(server, token, "POST", "/api/tasks", body)


def test_two_processes_fire_each_reminder_once(processes: list[Server]) -> None:
    tokens = [signup(processes[0], f"user{n}@example.com")["access_token"] for n in range(3)]
    remind_many(processes, tokens, 30, 3)  # 20 reminders per user, all due at once
    for token in tokens:
        events = fired(processes[-1], token, 20, timeout=30)
        keys = {(event["data"]["task"]["id"], str(event["data"]["reminder"])) for event in events}
        assert len(keys) == 20
    assert [no_more(processes[0], token, 0) for token in tokens] == [20, 20, 20]  # and none twice


def test_a_process_killed_while_reminders_are_due_loses_none(processes: list[Server]) -> None:
    tokens = [signup(processes[0], f"kill{n}@example.com")["access_token"] for n in range(2)]
    remind_many(processes, tokens, 40, 2)
    main = processes[0].process
    assert main is not None
    victim = main.pid if len(processes) == 2 else children(main.pid)[0]  # a server, or a worker
    time.sleep(2)  # due now: the processes' next rounds fire them
    os.kill(victim, signal.SIGKILL)
    survivor = processes[-1]
    for token in tokens:
        events = fired(survivor, token, 40, timeout=30)
        assert len({(event["data"]["task"]["id"], str(event["data"]["reminder"])) for event in events}) == 40
    assert [no_more(survivor, token, 2) for token in tokens] == [40, 40]


def test_after_downtime_reminders_up_to_a_day_late_fire_and_older_ones_are_dropped(
    settings: Settings,
) -> None:
    first = Server.sharing(settings, **FAST).start()
    token = signup(first)["access_token"]
    late = send(first, token, "POST", "/api/tasks", {"title": "late", "reminders": [{"at": at(3600)}]})
    later = send(first, token, "POST", "/api/tasks", {"title": "too late", "reminders": [{"at": at(3600)}]})
    first.stop()
    db = open_database(settings.database, 1, 5)  # while the service is down, time passes
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with db.connection_context():
        for task, hours in ((late, 23), (later, 25)):
            db.execute_sql(
                f"UPDATE reminders SET fire_at = {db.param} WHERE task_id = {db.param}",
                (now - dt.timedelta(hours=hours), task["id"]),
            )
    db.close_all()  # type: ignore[attr-defined]
    second = Server.sharing(settings, **FAST).start()
    try:
        (event,) = fired(second, token, 1, timeout=30)
        assert event["data"]["task"]["id"] == late["id"]
        assert no_more(second, token, 2) == 1
        assert send(second, token, "GET", "/api/reminders?before=2100-01-01T00:00:00Z") == []
    finally:
        second.stop()


def test_concurrent_completions_through_two_processes_make_one_next_occurrence(
    processes: list[Server], settings: Settings
) -> None:
    token = signup(processes[0])["access_token"]
    body = {"title": "Standup", "due_date": "2030-12-02T09:00:00Z", "recurrence": "FREQ=DAILY"}
    task = send(processes[0], token, "POST", "/api/tasks", body)

    def complete(n: int) -> int:
        server = processes[n % len(processes)]
        done = n % 3 != 2  # mostly completes, some reopens in between: each completion races the others
        return call("PATCH", f"{server.base}/api/tasks/{task['id']}", {"completed": done}, token).status

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(complete, range(48))) == {200}
    send(processes[0], token, "PATCH", f"/api/tasks/{task['id']}", {"completed": True})
    series = send(processes[-1], token, "GET", "/api/tasks?sort=created_at")
    assert [(each["id"] == task["id"], each["due_date"]) for each in series] == [
        (True, "2030-12-02T09:00:00Z"),
        (False, "2030-12-03T09:00:00Z"),
    ]
    db = open_database(settings.database, 1, 5)  # and a second successor is refused by the database
    try:
        with db.connection_context(), pytest.raises(peewee.IntegrityError):
            db.execute_sql(
                f"UPDATE tasks SET previous_id = {db.param} WHERE id = {db.param}", (task["id"], task["id"])
            )
    finally:
        db.close_all()  # type: ignore[attr-defined]
