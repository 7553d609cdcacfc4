"""Webhooks through a real server and a real receiver: Standard Webhooks signatures checked
independently, the type filter, retries with the same webhook-id on the schedule, the delivery
log, giving up after three days, the address rules at registration and at each delivery, no
redirect followed, a slow receiver holding up nothing, and, with two processes on one database,
every event delivered in order, one attempt by one process, none lost when a process is killed
while it delivers."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import signal
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from background.webhooks import dispatcher
from models import open_database
from runtime import webhook_urls
from runtime.webhook_urls import RefusedURL
from settings import Settings
from tests.support.accounts import signup
from tests.support.live import Server, call, send, uvicorn_command
from tests.support.receiver import Delivery, Receiver
from tests.support.sse import EventStream

PRIVATE = {"WEBHOOK_ALLOW_PRIVATE": "true", "WEBHOOK_CLAIM_SECONDS": "15"}
pytestmark = [pytest.mark.slow, pytest.mark.server_env(**PRIVATE)]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


def register(server: Server, token: str, url: str, **fields: Any) -> dict[str, Any]:
    made = call("POST", f"{server.base}/api/webhooks", {"url": url, **fields}, token)
    assert made.status == 201, made.body
    body: dict[str, Any] = made.body
    return body


def verified(delivery: Delivery, secret: str) -> bool:
    """The Standard Webhooks check, written from its specification (not the service's code)."""
    message_id, timestamp = delivery.headers["webhook-id"], delivery.headers["webhook-timestamp"]
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = message_id.encode() + b"." + timestamp.encode() + b"." + delivery.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[1] for part in delivery.headers["webhook-signature"].split()]
    return abs(time.time() - int(timestamp)) < 300 and any(hmac.compare_digest(expected, o) for o in offered)


def test_a_webhook_hears_each_event_signed_and_in_order(server: Server, receiver: Receiver) -> None:
    token = signup(server)["access_token"]
    every = register(server, token, receiver.url)
    assert every["secret"].startswith("whsec_") and every["events"] == ["*"] and every["active"] is True
    only_done = register(server, token, receiver.url + "?done", events=["task.completed", "task.completed"])
    assert only_done["events"] == ["task.completed"]
    listed = send(server, token, "GET", "/api/webhooks")
    assert [hook["id"] for hook in listed] == [every["id"], only_done["id"]]
    assert all("secret" not in hook for hook in listed)
    task = send(server, token, "POST", "/api/tasks", {"title": "Water the plants"})
    send(server, token, "PATCH", f"/api/tasks/{task['id']}/complete")
    send(server, token, "DELETE", f"/api/tasks/{task['id']}")
    got = receiver.wait_for(5)
    time.sleep(1)  # and no more
    assert len(receiver.received()) == 5
    to_every = [d for d in got if d.path == "/hook"]
    assert [d.json()["type"] for d in to_every] == [
        "list.created",
        "task.created",
        "task.completed",
        "task.deleted",
    ]
    assert [d.json()["type"] for d in got if d.path == "/hook?done"] == ["task.completed"]
    for delivery in got:
        secret = every["secret"] if delivery.path == "/hook" else only_done["secret"]
        assert verified(delivery, secret)
        assert delivery.headers["webhook-id"] == delivery.json()["id"]
        assert delivery.headers["content-type"] == "application/json"
    assert not verified(to_every[0], only_done["secret"])
    completed = to_every[2].json()
    assert completed["data"]["task"]["completed"] is True and completed["data"]["task"]["id"] == task["id"]
    log = send(server, token, "GET", f"/api/webhooks/{every['id']}/deliveries")
    assert [(entry["type"], entry["attempt"], entry["status_code"]) for entry in log] == [
        ("task.deleted", 1, 204),
        ("task.completed", 1, 204),
        ("task.created", 1, 204),
        ("list.created", 1, 204),
    ]
    send(server, token, "DELETE", f"/api/webhooks/{every['id']}")
    send(server, token, "POST", "/api/tasks", {"title": "after"})
    time.sleep(1.5)
    assert len(receiver.received()) == 5  # a deleted webhook hears nothing more


def logged_attempts(server: Server, token: str, webhook_id: int, count: int, timeout: float = 10) -> Any:
    """The webhook's delivery log once it holds `count` attempts (each is logged after the
    receiver's answer arrived, which is after the receiver saw the request)."""
    deadline = time.monotonic() + timeout
    while len(log := send(server, token, "GET", f"/api/webhooks/{webhook_id}/deliveries")) < count:
        assert time.monotonic() < deadline, log
        time.sleep(0.05)
    return log


def test_a_failed_delivery_is_tried_again_with_the_same_id(server: Server) -> None:
    answers = iter([500, 302, 204])
    failing = Receiver(lambda delivery: next(answers, 204))
    token = signup(server)["access_token"]
    hook = register(server, token, failing.url, events=["task.created"])
    send(server, token, "POST", "/api/tasks", {"title": "once"})
    first = failing.wait_for(1)[0]
    time.sleep(3)
    assert len(failing.received()) == 1  # the next attempt waits about 5 s
    second = failing.wait_for(2, timeout=10)[1]
    assert 4 <= second.at - first.at <= 9
    assert second.headers["webhook-id"] == first.headers["webhook-id"] and second.body == first.body
    assert all(not d.path.endswith("/moved") for d in failing.received())  # the redirect is not followed
    log = logged_attempts(server, token, hook["id"], 2)  # logged once the answer is in
    assert [(entry["attempt"], entry["status_code"], entry["error"]) for entry in log] == [
        (2, 302, "answered 302"),
        (1, 500, "answered 500"),
    ]
    retry_at = dt.datetime.fromisoformat(log[0]["next_attempt_at"]) - dt.datetime.fromisoformat(log[0]["at"])
    assert dt.timedelta(seconds=55) <= retry_at <= dt.timedelta(seconds=65)  # then a minute
    failing.close()


def test_a_webhook_failing_for_three_days_is_given_up(server: Server, settings: Settings) -> None:
    refusing = Receiver(lambda delivery: 503)
    token = signup(server)["access_token"]
    hook = register(server, token, refusing.url)
    db = open_database(settings.database, 1, 5)
    with db.connection_context():
        since = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=3, minutes=1)
        db.execute_sql(f"UPDATE webhooks SET failing_since = {db.param}, attempts = 9", (since,))
    db.close_all()  # type: ignore[attr-defined]
    send(server, token, "POST", "/api/tasks", {"title": "nobody hears"})
    refusing.wait_for(1)
    deadline = time.monotonic() + 5
    while send(server, token, "GET", "/api/webhooks")[0]["active"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert send(server, token, "GET", "/api/webhooks")[0]["active"] is False
    log = send(server, token, "GET", f"/api/webhooks/{hook['id']}/deliveries")
    assert log[0]["attempt"] == 10 and log[0]["next_attempt_at"] is None
    refusing.close()


def test_a_slow_receiver_holds_up_neither_requests_nor_other_webhooks(
    server: Server, receiver: Receiver
) -> None:
    slow = Receiver(lambda delivery: time.sleep(12) or 204)
    token = signup(server)["access_token"]
    register(server, token, slow.url)
    register(server, token, receiver.url)
    started = time.monotonic()
    send(server, token, "POST", "/api/tasks", {"title": "one"})
    send(server, token, "POST", "/api/tasks", {"title": "two"})
    receiver.wait_for(3, timeout=3)  # the Inbox and both tasks
    health = [call("GET", f"{server.base}/health") for _ in range(20)]
    assert {reply.status for reply in health} == {200} and time.monotonic() - started < 5
    slow.wait_for(1)
    slow.close()


def test_addresses_are_checked_when_registered(settings: Settings, tmp_path: Any) -> None:
    strict = Server.sharing(settings).start()
    try:
        token = signup(strict)["access_token"]
        for url in (
            "http://127.0.0.1:9/hook",
            "http://localhost/hook",
            "http://10.1.2.3/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            # IPv6 forms of a private IPv4 address: IPv4-compatible, NAT64 (well-known and
            # local-use prefixes), 6to4 and IPv4-translated.
            "http://[::127.0.0.1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[64:ff9b::a00:1]/",
            "http://[64:ff9b:1::a00:1]/",
            "http://[2002:7f00:1::]/",
            "http://[2002:a00:1::1]/",
            "http://[::ffff:0:a00:1]/",
            "ftp://example.com/",
            "https://user:secret@127.0.0.1/",
            "not a url",
        ):
            answer = call("POST", f"{strict.base}/api/webhooks", {"url": url}, token)
            assert answer.status == 422, (url, answer.body)
            assert answer.body["detail"][0]["loc"] == ["body", "url"]
        assert call("GET", f"{strict.base}/api/webhooks", None, token).body == []
    finally:
        strict.stop()


def test_each_delivery_checks_the_address_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that resolved to a public address at registration and now resolves to a private
    one (DNS rebinding) is refused at delivery, and the delivery connects to the address checked."""
    answers = iter(["93.184.216.34", "10.0.0.5"])

    def resolve(host: str, port: int, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(webhook_urls.socket, "getaddrinfo", resolve)
    first = webhook_urls.target("https://hooks.example.com/in?x=1", allow_private=False)
    assert (first.address, first.host, first.port, first.path) == (
        "93.184.216.34",
        "hooks.example.com",
        443,
        "/in?x=1",
    )
    with pytest.raises(RefusedURL, match=r"10\.0\.0\.5, a private or reserved address"):
        webhook_urls.target("https://hooks.example.com/in", allow_private=False)
    assert dispatcher.SENDING > 1  # deliveries run beside one another


@pytest.mark.parametrize(
    ("private", "public"),
    [
        ("::a00:5", "::5db8:d822"),  # IPv4-compatible
        ("64:ff9b::a00:5", "64:ff9b::5db8:d822"),  # NAT64
        ("2002:a00:5::1", "2002:5db8:d822::1"),  # 6to4
        ("::ffff:0:a00:5", "::ffff:0:5db8:d822"),  # IPv4-translated
    ],
)
def test_each_delivery_judges_an_ipv6_address_by_the_ipv4_one_it_carries(
    monkeypatch: pytest.MonkeyPatch, private: str, public: str
) -> None:
    """A name resolving to an IPv6 form of 10.0.0.5 is refused at delivery as 10.0.0.5 is; one
    carrying a public address (93.184.216.34) is delivered to, at the address checked."""
    answers = iter([public, private])

    def resolve(host: str, port: int, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (next(answers), port, 0, 0))]

    monkeypatch.setattr(webhook_urls.socket, "getaddrinfo", resolve)
    assert webhook_urls.target("https://hooks.example.com/in", allow_private=False).address == public
    with pytest.raises(RefusedURL, match="a private or reserved address"):
        webhook_urls.target("https://hooks.example.com/in", allow_private=False)
    local_nat64 = "64:ff9b:1::5db8:d822"  # where its IPv4 address sits is each network's choice
    assert not webhook_urls.is_public(local_nat64)


@pytest.fixture
def processes(settings: Settings, database_kind: str) -> Iterator[list[Server]]:
    """Two processes on one database: two servers on PostgreSQL, two workers on SQLite."""
    if database_kind == "mysql":
        pytest.skip("the two-process case runs on PostgreSQL and SQLite (MariaDB's claims are the same SQL)")
    if database_kind == "sqlite":
        two = Server.sharing(settings, **PRIVATE)
        two.command = uvicorn_command(two.port, workers=2)
        servers = [two.start()]
    else:
        servers = [Server.sharing(settings, **PRIVATE).start(), Server.sharing(settings, **PRIVATE).start()]
    yield servers
    for server in servers:
        server.stop()


def claim_holder(settings: Settings) -> int:
    """The pid of the process delivering to the webhook now (its claim names it)."""
    db = open_database(settings.database, 1, 5)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with db.connection_context():
                (owner,) = db.execute_sql("SELECT claimed_by FROM webhooks").fetchone()
            if owner:
                return int(owner.split(":")[1])
            time.sleep(0.02)
        raise AssertionError("no process claimed the webhook")
    finally:
        db.close_all()  # type: ignore[attr-defined]


def test_two_processes_deliver_everything_once_per_attempt_even_when_one_is_killed(
    processes: list[Server], settings: Settings
) -> None:
    receiving = Receiver(lambda delivery: time.sleep(0.1) or 204)  # slow enough to be caught mid-delivery
    token = signup(processes[0])["access_token"]
    register(processes[0], token, receiving.url)
    for n in range(30):  # through both processes (two servers, or two workers behind one port)
        task = send(processes[n % len(processes)], token, "POST", "/api/tasks", {"title": f"t{n}"})
        send(
            processes[(n + 1) % len(processes)],
            token,
            "PATCH",
            f"/api/tasks/{task['id']}",
            {"priority": "high"},
        )
    receiving.wait_for(8, timeout=20)
    victim = claim_holder(settings)
    os.kill(victim, signal.SIGKILL)  # in the middle of its deliveries
    survivor = next(server for server in processes if server.process and server.process.pid != victim)
    replay = EventStream(f"{survivor.base}/api/events?last_event_id=0", token)
    expected = [message.id for message in replay.events(61, timeout=10)]  # the Inbox, 30 creates, 30 patches
    replay.close()
    deadline = time.monotonic() + 45  # a dead process's claim lapses in 15 s
    while {d.headers["webhook-id"] for d in receiving.received()} != set(expected):
        assert time.monotonic() < deadline, "events were lost"
        time.sleep(0.2)
    arrivals = [d.headers["webhook-id"] for d in receiving.received()]
    repeated = [event_id for event_id in set(arrivals) if arrivals.count(event_id) > 1]
    assert len(repeated) <= 1, repeated  # only the attempt the killed process had in flight
    first_arrivals = list(dict.fromkeys(arrivals))
    assert first_arrivals == sorted(first_arrivals, key=int)  # in order, every task's events too
    receiving.close()
