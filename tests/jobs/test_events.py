"""Events through a real server on every database: each change's events with the state after it,
the stream's resume, resync, heartbeats and tickets, one user never hearing another's, an
event reaching a stream on another process (two servers on one PostgreSQL database, two workers
on SQLite) within a second of its commit, and a stream ending, hearing nothing more, once its
credential dies (on that process or another). On PostgreSQL the hub reads only when a commit
notifies it (LISTEN/NOTIFY), and a lost LISTEN connection or a database restart loses no event;
elsewhere it polls."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import psycopg2
import pytest

from domain.event_stream import StreamStart, purge_events
from domain.principal import Principal
from models import AccessToken, Event, User, open_database, utc_now
from models.postgres import listening_connection
from runtime import listener
from runtime.event_hub import POLL_SECONDS, EventHub, HubRead, Subscription
from runtime.listener import PROBE_CHANNEL, USER_CHANNEL, Listener
from settings import Settings
from tests.support.accounts import PASSWORD, signup
from tests.support.dbservers import DatabaseServer, PostgresServer
from tests.support.live import Server, call, send, uvicorn_command
from tests.support.ports import HOST, free_port
from tests.support.services import migrated_services
from tests.support.skips import skip_or_fail
from tests.support.sse import EventStream, Message
from tests.support.tokens import signed_token

pytestmark = pytest.mark.slow


def stream(server: Server, token: str | None = None, query: str = "", **headers: str) -> EventStream:
    opened = EventStream(f"{server.base}/api/events{query}", token, headers)
    assert opened.status == 200, opened.response.read()
    return opened


def heard_until_it_ends(opened: EventStream, within: float = 3) -> list[Message]:
    """The events a stream sends until it ends; TimeoutError when it is still open after `within` s."""
    deadline = time.monotonic() + within
    heard = []
    while True:
        try:
            message = opened.next(timeout=deadline - time.monotonic())
        except EOFError:
            return heard
        if message.event is not None:
            heard.append(message)


def personal_token(server: Server, login: str, scopes: tuple[str, ...] = ("tasks:read",)) -> dict[str, Any]:
    made: dict[str, Any] = send(
        server, login, "POST", "/api/auth/tokens", {"name": "agent", "scopes": scopes}
    )
    return made


def ticket_for(server: Server, token: str) -> str:
    made: str = send(server, token, "POST", "/api/events/tickets")["ticket"]
    return made


def summary(message: Message) -> tuple[str | None, Any]:
    event = message.json()
    assert event["id"] == message.id and event["type"] == message.event
    data = event["data"]
    entity = data.get("task") or data.get("list")
    return message.event, (entity["title"] if "title" in entity else entity["name"], data.get("changed"))


def test_every_change_is_an_event_with_the_state_after_it(server: Server) -> None:
    token = signup(server)["access_token"]
    live = stream(server, token)
    assert live.next().comments == ["connected"]
    task = send(server, token, "POST", "/api/tasks", {"title": "Buy milk", "tags": ["home"]})
    send(server, token, "PATCH", f"/api/tasks/{task['id']}", {"title": "Buy oat milk", "priority": "high"})
    send(server, token, "PATCH", f"/api/tasks/{task['id']}", {"title": "Buy oat milk"})  # changes nothing
    child = send(server, token, "POST", "/api/tasks", {"title": "Check the date", "parent_id": task["id"]})
    send(server, token, "PATCH", f"/api/tasks/{task['id']}/complete")  # its open subtask too
    send(server, token, "PATCH", f"/api/tasks/{task['id']}", {"completed": False, "description": "2 l"})
    work = send(server, token, "POST", "/api/lists", {"name": "Work"})
    send(server, token, "POST", f"/api/tasks/{task['id']}/move", {"list_id": work["id"]})
    send(server, token, "PATCH", f"/api/lists/{work['id']}", {"name": "Job", "color": "blue"})
    send(server, token, "DELETE", f"/api/lists/{work['id']}")
    got = live.events(15)
    assert [summary(message) for message in got] == [
        ("list.created", ("Inbox", None)),
        ("task.created", ("Buy milk", None)),
        ("task.updated", ("Buy oat milk", ["title", "priority"])),
        ("task.created", ("Check the date", None)),
        ("task.completed", ("Buy oat milk", None)),
        ("task.completed", ("Check the date", None)),
        ("task.updated", ("Buy oat milk", ["description"])),
        ("task.reopened", ("Buy oat milk", None)),
        ("list.created", ("Work", None)),
        ("task.updated", ("Check the date", ["list_id"])),  # the subtasks come along first
        ("task.updated", ("Buy oat milk", ["list_id"])),
        ("list.updated", ("Job", ["name", "color"])),
        ("task.deleted", ("Buy oat milk", None)),
        ("task.deleted", ("Check the date", None)),
        ("list.deleted", ("Job", None)),
    ]
    ids = [int(message.id or 0) for message in got]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    completed = got[4].json()["data"]["task"]
    assert completed["completed"] is True and completed["version"] == 3 and completed["tags"] == ["home"]
    assert got[1].json()["data"]["task"] == {**task, "url": completed["url"]}  # as the REST answer was
    moved = got[10].json()["data"]["task"]
    assert moved["list_id"] == work["id"] and moved["url"] == f"{server.base}/api/tasks/{task['id']}"
    assert got[14].json()["data"]["list"]["name"] == "Job"  # the last state of what went
    assert child["parent_id"] == task["id"]
    live.close()


def test_a_stream_resumes_after_last_event_id_and_says_resync_when_events_are_gone(
    server: Server, settings: Settings
) -> None:
    token = signup(server)["access_token"]
    for title in ("one", "two", "three"):
        send(server, token, "POST", "/api/tasks", {"title": title})
    everything = stream(server, token, "?last_event_id=0")
    first = everything.events(4)  # the Inbox, then the three tasks
    everything.close()
    resumed = stream(server, token, **{"Last-Event-ID": first[1].id or ""})
    assert [message.json()["data"]["task"]["title"] for message in resumed.events(2)] == ["two", "three"]
    send(server, token, "POST", "/api/tasks", {"title": "four"})
    assert resumed.events(1)[0].json()["data"]["task"]["title"] == "four"  # then live
    resumed.close()
    db = open_database(settings.database, 1, 5)
    with db.connection_context():  # the retention has passed for the first two
        db.execute_sql(f"DELETE FROM events WHERE id <= {int(first[1].id or 0)}")
    db.close_all()  # type: ignore[attr-defined]
    stale = stream(server, token, **{"Last-Event-ID": first[0].id or ""})
    resync = stale.events(1)[0]
    assert resync.event == "resync" and resync.id is None
    send(server, token, "POST", "/api/tasks", {"title": "five"})
    assert stale.events(1)[0].json()["data"]["task"]["title"] == "five"  # from now on
    stale.close()
    for nonsense in ("abc", "-1"):
        odd = stream(server, token, **{"Last-Event-ID": nonsense})
        assert odd.events(1)[0].event == "resync"
        odd.close()


def test_tickets_open_one_stream_once_and_long_lived_tokens_stay_out_of_urls(server: Server) -> None:
    token = signup(server)["access_token"]
    bob = signup(server, "bob@example.com")["access_token"]
    made = call("POST", f"{server.base}/api/events/tickets", None, token)
    assert (
        made.status == 201 and made.body["expires_in"] == 60 and made.headers["cache-control"] == "no-store"
    )
    ticket = made.body["ticket"]
    opened = stream(server, None, f"?ticket={ticket}")
    send(server, bob, "POST", "/api/tasks", {"title": "bob's"})
    send(server, token, "POST", "/api/tasks", {"title": "ann's"})
    heard = opened.events(2)  # ann's Inbox, then ann's task: never bob's
    assert [message.json()["data"].get("task", {}).get("title") for message in heard] == [None, "ann's"]
    opened.close()
    again = EventStream(f"{server.base}/api/events?ticket={ticket}")
    assert again.status == 401
    for refused in ("nonsense", ""):
        assert EventStream(f"{server.base}/api/events?ticket={refused}").status == 401
    assert EventStream(f"{server.base}/api/events").status == 401
    ann_id = call("GET", f"{server.base}/api/auth/me", None, token).body["id"]
    assert EventStream(f"{server.base}/api/{ann_id}/events", bob).status == 403
    reader = call("POST", f"{server.base}/api/auth/tokens", {"name": "r", "scopes": ["tasks:read"]}, token)
    assert stream(server, reader.body["token"]).status == 200


def test_a_ticket_stands_for_the_credential_that_asked_for_it(server: Server) -> None:
    ann = signup(server)["access_token"]
    for unknown in ("x" * 300, ann):  # unknown whatever its length, a JWT pasted there too
        refused = EventStream(f"{server.base}/api/events?ticket={unknown}")
        assert refused.status == 401, refused.response.read()
    before_the_change = ticket_for(server, ann)
    change = {"current_password": PASSWORD, "new_password": "another horse battery"}
    assert call("POST", f"{server.base}/api/auth/password", change, ann).status == 204
    assert EventStream(f"{server.base}/api/events?ticket={before_the_change}").status == 401
    ann = call(
        "POST",
        f"{server.base}/api/auth/login",
        {"email": "ann@example.com", "password": change["new_password"]},
    ).body["access_token"]
    agent = personal_token(server, ann)
    unused = ticket_for(server, agent["token"])
    opened = stream(server, None, f"?ticket={ticket_for(server, agent['token'])}")
    assert opened.next().comments == ["connected"]
    send(server, ann, "DELETE", f"/api/auth/tokens/{agent['id']}")
    send(server, ann, "POST", "/api/tasks", {"title": "after the revocation"})
    assert heard_until_it_ends(opened) == []  # the stream the ticket opened stands for the token
    assert EventStream(f"{server.base}/api/events?ticket={unused}").status == 401


def test_a_stream_ends_when_its_personal_token_is_revoked_and_hears_nothing_after(server: Server) -> None:
    login = signup(server)["access_token"]
    agent = personal_token(server, login)
    live = stream(server, agent["token"])
    assert live.next().comments == ["connected"]
    send(server, login, "POST", "/api/tasks", {"title": "before"})
    assert summary(live.events(2)[-1]) == ("task.created", ("before", None))
    revoked = time.monotonic()
    send(server, login, "DELETE", f"/api/auth/tokens/{agent['id']}")
    assert call("GET", f"{server.base}/api/tasks", None, agent["token"]).status == 401
    send(server, login, "POST", "/api/tasks", {"title": "after"})
    assert heard_until_it_ends(live) == [] and time.monotonic() - revoked < 3


def test_a_stream_ends_when_its_login_token_dies_by_a_password_change_or_expiry_or_account_deletion(
    server: Server,
) -> None:
    ann = signup(server)
    changed = stream(server, ann["access_token"])
    assert changed.next().comments == ["connected"]
    change = {"current_password": PASSWORD, "new_password": "another horse battery"}
    assert call("POST", f"{server.base}/api/auth/password", change, ann["access_token"]).status == 204
    login = {"email": "ann@example.com", "password": change["new_password"]}
    fresh = call("POST", f"{server.base}/api/auth/login", login).body["access_token"]
    send(server, fresh, "POST", "/api/tasks", {"title": "after the change"})
    assert heard_until_it_ends(changed) == []
    # Expired 6 s ago: still taken within the 10 s leeway, then the stream ends with the token.
    expiring = signed_token({"sub": ann["user"]["id"], "exp": int(time.time()) - 6})
    expired = stream(server, expiring)
    assert expired.next().comments == ["connected"]
    assert heard_until_it_ends(expired, within=6) == []
    deleted = stream(server, fresh)
    assert deleted.next().comments == ["connected"]
    assert call("DELETE", f"{server.base}/api/auth/me", {"password": login["password"]}, fresh).status == 204
    assert heard_until_it_ends(deleted) == []


def test_a_quiet_stream_sends_a_comment_at_least_every_15_seconds(server: Server) -> None:
    token = signup(server)["access_token"]
    quiet = stream(server, token)
    assert quiet.next().comments == ["connected"]
    started = time.monotonic()
    heartbeat = quiet.next(timeout=15)
    assert heartbeat.event is None and heartbeat.comments and time.monotonic() - started <= 15
    assert quiet.headers["content-type"].startswith("text/event-stream")
    assert quiet.headers["x-accel-buffering"] == "no" and quiet.headers["cache-control"] == "no-store"
    quiet.close()


@pytest.fixture
def replicas(settings: Settings, database_kind: str) -> Iterator[list[Server]]:
    """Two processes on one database: two workers on SQLite, two servers on PostgreSQL (which
    hear each other's commits by LISTEN/NOTIFY) and on MariaDB (which poll)."""
    if database_kind == "sqlite":
        two = Server.sharing(settings)
        two.command = uvicorn_command(two.port, workers=2)
        servers = [two.start()]
    else:
        servers = [Server.sharing(settings).start(), Server.sharing(settings).start()]
    yield servers
    for server in servers:
        server.stop()


def test_an_event_reaches_a_stream_on_another_process_within_a_second(replicas: list[Server]) -> None:
    first, second = replicas[0], replicas[-1]
    token = signup(first)["access_token"]
    streams = [stream(first, token) for _ in range(4)]  # on two workers, some land on each
    for opened in streams:
        opened.next()  # connected
    latencies = []
    for n in range(10):
        started = time.monotonic()
        send(second, token, "POST", "/api/tasks", {"title": f"from the phone {n}"})
        for opened in streams:
            titles = [
                message.json()["data"].get("task", {}).get("title") for message in opened.events(1 + (n == 0))
            ]
            assert titles[-1] == f"from the phone {n}"
        latencies.append(time.monotonic() - started)
    assert max(latencies) < 1.0, latencies
    for opened in streams:
        opened.close()


def test_a_token_revoked_on_one_process_ends_its_streams_on_another(replicas: list[Server]) -> None:
    first, second = replicas[0], replicas[-1]
    login = signup(first)["access_token"]
    agent = personal_token(first, login)
    streams = [stream(second, agent["token"]) for _ in range(4)]  # on two workers, some land on each
    for opened in streams:
        assert opened.next().comments == ["connected"]
    send(first, login, "DELETE", f"/api/auth/tokens/{agent['id']}")
    send(first, login, "POST", "/api/tasks", {"title": "after the revocation"})
    for opened in streams:
        assert heard_until_it_ends(opened) == []


def test_a_revocation_a_password_change_or_an_account_deletion_alone_ends_streams_on_another_process(
    replicas: list[Server],
) -> None:
    """Nothing is written after each: the change of the credential alone ends the streams.
    Each waits a moment first, for the reads that follow the streams' starts to be done."""
    first, second = replicas[0], replicas[-1]
    ann = signup(first)
    agent = personal_token(first, ann["access_token"])
    streams = [stream(second, agent["token"]) for _ in range(4)]  # on two workers, some land on each
    for opened in streams:
        assert opened.next().comments == ["connected"]
    time.sleep(0.5)
    send(first, ann["access_token"], "DELETE", f"/api/auth/tokens/{agent['id']}")
    for opened in streams:
        assert heard_until_it_ends(opened) == []
    streams = [stream(second, ann["access_token"]) for _ in range(4)]
    for opened in streams:
        assert opened.next().comments == ["connected"]
    time.sleep(0.5)
    change = {"current_password": PASSWORD, "new_password": "another horse battery"}
    assert call("POST", f"{first.base}/api/auth/password", change, ann["access_token"]).status == 204
    for opened in streams:
        assert heard_until_it_ends(opened) == []
    login = {"email": "ann@example.com", "password": change["new_password"]}
    fresh = call("POST", f"{first.base}/api/auth/login", login).body["access_token"]
    streams = [stream(second, fresh) for _ in range(4)]
    for opened in streams:
        assert opened.next().comments == ["connected"]
    time.sleep(0.5)
    assert call("DELETE", f"{first.base}/api/auth/me", {"password": login["password"]}, fresh).status == 204
    for opened in streams:
        assert heard_until_it_ends(opened) == []


def test_a_stream_ends_when_its_personal_token_reaches_its_end(server: Server, settings: Settings) -> None:
    """The end moved to two seconds from now, as an operator's UPDATE would: nothing is written
    when that moment comes, and the stream ends then, not before."""
    login = signup(server)["access_token"]
    agent = personal_token(server, login)
    live = stream(server, agent["token"])
    assert live.next().comments == ["connected"]
    for services in migrated_services(settings):
        with services.db.connection_context():
            soon = utc_now() + dt.timedelta(seconds=2)
            AccessToken.update(expires_at=soon).where(AccessToken.id == agent["id"]).execute()
    moved = time.monotonic()
    send(server, login, "POST", "/api/tasks", {"title": "before its end"})
    assert summary(live.events(2)[-1]) == ("task.created", ("before its end", None))
    assert heard_until_it_ends(live, within=5) == []
    assert time.monotonic() - moved > 1.5


def hub_reads(server: Server) -> dict[str, float]:
    """The reads of the server's event hub so far, by mode (the server runs with METRICS=true)."""
    with urllib.request.urlopen(f"{server.base}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    found = re.findall(r'^todo_api_event_hub_reads_total\{mode="(\w+)"\} (\S+)$', text, re.MULTILINE)
    return {mode: float(count) for mode, count in found}


def reads_while(server: Server, act: Callable[[], object]) -> dict[str, float]:
    """The hub's reads, by mode, while `act` runs."""
    before = hub_reads(server)
    act()
    after = hub_reads(server)
    return {mode: after[mode] - before.get(mode, 0) for mode in after if after[mode] != before.get(mode, 0)}


@pytest.mark.server_env(METRICS="true")
def test_on_postgresql_the_hub_reads_when_a_commit_notifies_it_and_elsewhere_it_polls(
    server: Server, database_kind: str
) -> None:
    token = signup(server)["access_token"]
    quiet = stream(server, token)
    assert quiet.next().comments == ["connected"]
    time.sleep(1)  # the reads that follow a stream's start
    idle = reads_while(server, lambda: time.sleep(2))
    if database_kind != "postgresql":
        assert idle.keys() == {"polling"} and idle["polling"] >= 4, idle  # every 250 ms
        return
    assert idle == {}, idle  # a quiet hub does not read

    def write_and_hear() -> None:
        send(server, token, "POST", "/api/tasks", {"title": "heard of"})
        assert quiet.events(2)[-1].json()["data"]["task"]["title"] == "heard of"

    assert reads_while(server, write_and_hear).keys() == {"listening"}
    quiet.close()


@pytest.fixture
def postgres_replicas(
    settings: Settings, database_kind: str, database_server: Callable[[str], DatabaseServer]
) -> Iterator[tuple[PostgresServer, list[Server]]]:
    """Two servers on one PostgreSQL database (METRICS=true), and the PostgreSQL server."""
    if database_kind != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's: SQLite and MySQL poll")
    postgres = database_server("postgresql")
    assert isinstance(postgres, PostgresServer)
    servers = [Server.sharing(settings, METRICS="true").start() for _ in range(2)]
    yield postgres, servers
    if not postgres.running:  # a test stopped it
        postgres.start()
    for server in servers:
        server.stop()
        assert "Traceback" not in server.output()


LISTENING = "event streams hear commits by LISTEN"


def listening_again(server: Server, times: int) -> None:
    """Wait until the server's hub has begun listening `times` times in all."""
    deadline = time.monotonic() + 40
    while server.output().count(LISTENING) < times:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.05)


def created(server: Server, token: str, title: str) -> None:
    """A task made through `server`, retried while the database is away (503)."""
    deadline = time.monotonic() + 30
    while (status := call("POST", f"{server.base}/api/tasks", {"title": title}, token).status) == 503:
        assert time.monotonic() < deadline, "the database did not come back"
        time.sleep(0.05)
    assert status == 201


def test_a_lost_listen_connection_loses_no_event(
    postgres_replicas: tuple[PostgresServer, list[Server]], settings: Settings
) -> None:
    postgres, (first, second) = postgres_replicas
    token = signup(first)["access_token"]
    live = stream(second, token)
    assert live.next().comments == ["connected"]
    listening_again(second, 1)
    database = settings.database.url.rsplit("/", 1)[1]
    postgres.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        f" WHERE application_name = 'todo-api listener' AND datname = '{database}'"
    )
    created(first, token, "while the listener is away")  # commits before it is back
    assert live.events(2, timeout=10)[-1].json()["data"]["task"]["title"] == "while the listener is away"
    assert "event streams poll until LISTEN hears again" in second.output()
    listening_again(second, 2)
    created(first, token, "once it listens again")
    assert live.events(1)[0].json()["data"]["task"]["title"] == "once it listens again"
    assert reads_while(second, lambda: time.sleep(1)) == {}  # and polls no more
    live.close()


def test_a_postgresql_restart_loses_no_event(postgres_replicas: tuple[PostgresServer, list[Server]]) -> None:
    postgres, (first, second) = postgres_replicas
    token = signup(first)["access_token"]
    agent = personal_token(first, token)
    live = stream(second, agent["token"])
    assert live.next().comments == ["connected"]
    listening_again(second, 1)
    postgres.stop()
    time.sleep(2)  # the listener's reconnections back off meanwhile
    postgres.start()
    created(first, token, "after the restart")  # commits before the listener is back, most likely
    assert live.events(2, timeout=10)[-1].json()["data"]["task"]["title"] == "after the restart"
    listening_again(second, 2)
    created(first, token, "once it listens again")
    assert live.events(1)[0].json()["data"]["task"]["title"] == "once it listens again"
    send(first, token, "DELETE", f"/api/auth/tokens/{agent['id']}")
    assert heard_until_it_ends(live) == []  # revocations are heard again too


NGINX_CONF = """
{user}
worker_processes 1;
error_log {dir}/error.log;
pid {dir}/nginx.pid;
events {{}}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen {host}:{port};
        location / {{ proxy_pass http://{host}:{upstream}; }}
    }}
}}
"""


def wait_for_port(port: int, log: Path) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            if call("GET", f"http://{HOST}:{port}/livez").status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, log.read_text() if log.exists() else "nginx did not start"
        time.sleep(0.05)


def test_the_stream_passes_through_nginx_with_its_default_settings(server: Server, tmp_path: Path) -> None:
    """nginx buffers what it proxies unless the response says not to (X-Accel-Buffering: no);
    nothing in this configuration is there for the stream."""
    nginx = shutil.which("nginx") or skip_or_fail("nginx is not installed (scripts/install-test-deps.sh)")
    port = free_port()
    conf = tmp_path / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(user=user, dir=tmp_path, host=HOST, port=port, upstream=server.port))
    proxy = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"])
    try:
        wait_for_port(port, tmp_path / "error.log")
        token = signup(server)["access_token"]
        proxied = EventStream(f"http://{HOST}:{port}/api/events", token)
        assert proxied.status == 200 and proxied.next().comments == ["connected"]
        for n in range(3):
            started = time.monotonic()
            send(server, token, "POST", "/api/tasks", {"title": f"through the proxy {n}"})
            heard = proxied.events(1 + (n == 0))[-1]
            assert heard.json()["data"]["task"]["title"] == f"through the proxy {n}"
            assert time.monotonic() - started < 1.0
        proxied.close()
    finally:
        proxy.terminate()
        proxy.wait(10)


@pytest.mark.anyio
async def test_a_hub_read_reaches_neither_a_refused_credential_nor_a_stream_begun_during_it() -> None:
    """The hub's own bookkeeping, around a read that finds one credential refused and during
    which a stream begins (too narrow a moment to catch through a server)."""
    hub = EventHub()
    alive = Principal("u_1", None, None, 0, None)
    revoked = Principal("u_1", None, None, None, None, frozenset({"tasks:read"}), "a" * 64)
    kept, ended = hub.subscribe(alive), hub.subscribe(revoked)
    hub.track(StreamStart("u_1", 0, 0, 0, [], False))
    began: list[Subscription] = []

    async def read(known: dict[str, tuple[int, int]], asked: frozenset[Principal]) -> HubRead:
        assert known == {"u_1": (0, 0)} and asked == {alive, revoked}
        began.append(hub.subscribe(Principal("u_1", None, None, 0, 1.0)))
        event = Event(id=7, user="u_1", type="task.created", at=utc_now(), data="{}")
        return HubRead({"u_1": (1, [event], True)}, {revoked}, {})

    await hub.read_once(read)
    assert [kept.queue.get_nowait().id] == [7]  # type: ignore[union-attr]
    assert ended.ended and ended.queue.get_nowait() is None and ended.queue.empty()  # woken, told nothing
    assert began[0].overflowed and began[0].queue.get_nowait() is None  # woken to read for itself
    assert hub.users["u_1"].subscriptions == {kept, began[0]}


@pytest.mark.anyio
async def test_a_listening_hub_reads_whom_it_is_told_of_and_a_credential_at_its_end() -> None:
    """The hub's choice of whom to read (a user, a set of them, or every user), which no server
    shows from outside but by the reads it makes."""
    hub = EventHub()
    ann, bob = Principal("u_a", None, None, 0, None), Principal("u_b", None, None, 0, None)
    hub.subscribe(ann)
    hub.subscribe(bob)
    hub.track(StreamStart("u_a", 0, 0, 0, [], False))
    assert hub.take() is None and hub.wait_seconds() == POLL_SECONDS  # polling: every user, again
    hub.notified(["u_a"])
    assert not hub.wanted  # polling needs no notice
    hub.listen()
    assert hub.take() is None  # every user once: what was missed while polling
    assert hub.take() == set() and hub.wait_seconds() == math.inf  # then nobody until told
    hub.notified(["u_a", "u_nobody_here"])
    assert hub.wait_seconds() == 0 and hub.take() == {"u_a"}
    hub.track(StreamStart("u_b", 0, 0, 0, [], False))  # what committed before it was followed
    assert hub.take() == {"u_b"}
    hub.schedule_end(bob, time.time() + 60)
    assert 59 < hub.wait_seconds() <= 60.1 and hub.take() == set()
    hub.schedule_end(ann, time.time() - 1)
    assert hub.take() == {"u_a"}  # its end has come: the read ends its streams
    hub.deafen()
    assert hub.take() is None and hub.wait_seconds() == POLL_SECONDS


@pytest.mark.anyio
async def test_a_listen_connection_that_hears_no_probe_leaves_the_hub_polling_and_says_why(
    settings: Settings,
    database_kind: str,
    database_server: Callable[[str], DatabaseServer],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pooler in transaction mode passes LISTEN on but none of the notifications of other
    sessions: here the probe is sent to another database, whose notifications this one's
    listeners never hear either. Through this database, the hub listens."""
    if database_kind != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's: SQLite and MySQL poll")
    monkeypatch.setattr(listener, "PROBE_SECONDS", 0.5)
    connect = functools.partial(listening_connection, settings.database, 5, (USER_CHANNEL, PROBE_CHANNEL))

    def notify(url: str, token: str) -> None:
        with contextlib.closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", (PROBE_CHANNEL, token))
            connection.commit()

    for probed, hears in ((database_server("postgresql").url, False), (settings.database.url, True)):
        hub = EventHub()
        probe = functools.partial(anyio.to_thread.run_sync, notify, probed)
        async with anyio.create_task_group() as group:
            group.start_soon(Listener(hub, connect, probe).run)
            await anyio.sleep(1.5)
            assert hub.listening is hears
            group.cancel_scope.cancel()
    assert caplog.text.count("is DATABASE_URL a pooler in transaction mode") == 1


def test_old_events_are_purged_oldest_first(sqlite_settings: Settings) -> None:
    for services in migrated_services(sqlite_settings):
        with services.db.connection_context():
            User.create(id="u_a", created_at=utc_now())
            now = utc_now()
            for days in (40, 35, 31, 2, 0):
                Event.create(user="u_a", type="task.created", at=now - dt.timedelta(days=days), data="{}")
            assert purge_events(now - dt.timedelta(days=30), batch=2) == 2
            assert purge_events(now - dt.timedelta(days=30), batch=2) == 1
            assert purge_events(now - dt.timedelta(days=30), batch=2) == 0
            assert [event.at for event in Event.select().order_by(Event.id)] == [
                now - dt.timedelta(days=2),
                now,
            ]
