"""CalDAV across replicas: two server processes on one PostgreSQL database, as behind a load
balancer. A task app's requests may reach either: a sync token from one is good on the other,
a change through one is in the other's next sync, and two conditional PUTs of one version, one
through each, store one and refuse the other."""

from __future__ import annotations

import base64
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.accounts import signup
from tests.support.dav import ics, vtodo
from tests.support.dbservers import PostgresServer
from tests.support.live import Server, call
from tests.support.tokens import SECRET

pytestmark = pytest.mark.slow

SYNC = (
    '<d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level>'
    "<d:prop><d:getetag/></d:prop></d:sync-collection>"
)


@pytest.fixture
def replicas(postgres_server: PostgresServer, tmp_path: Path) -> Iterator[list[Server]]:
    url = postgres_server.create_database("caldav_replicas")
    env = {"DATABASE_URL": url, "JWT_SECRET": SECRET, "BCRYPT_ROUNDS": "4", "DATA_DIR": str(tmp_path)}
    started = [Server(env).start(), Server(env).start()]
    yield started
    for server in started:
        server.stop()
        assert "Traceback" not in server.output()
    postgres_server.drop_database("caldav_replicas")


def dav(
    server: Server, auth: str, method: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"{server.base}{path}", data=body or None, method=method)
    request.add_header("Authorization", auth)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, {k.lower(): v for k, v in refused.headers.items()}, refused.read()


def test_a_task_app_may_reach_either_replica(replicas: list[Server]) -> None:
    one, two = replicas
    account = signup(one)
    jwt, user_id = account["access_token"], account["user"]["id"]
    token = call("POST", f"{one.base}/api/auth/tokens", {"name": "phone"}, jwt).body["token"]
    auth = "Basic " + base64.b64encode(f"ann@example.com:{token}".encode()).decode()
    inbox = next(
        each["id"] for each in call("GET", f"{one.base}/api/lists", None, jwt).body if each["is_default"]
    )
    calendar = f"/dav/calendars/{user_id}/{inbox}/"

    status, _, body = dav(one, auth, "REPORT", calendar, SYNC.format("").encode(), Depth="1")
    assert status == 207
    first_token = body.decode().split("<d:sync-token>")[1].split("<")[0]
    assert (
        dav(
            two, auth, "PUT", f"{calendar}a.ics", ics(vtodo("a", "Through two")), Content_Type="text/calendar"
        )[0]
        == 201
    )
    status, _, body = dav(one, auth, "REPORT", calendar, SYNC.format(first_token).encode(), Depth="1")
    assert status == 207 and f"{calendar}a.ics" in body.decode()

    etag = dav(one, auth, "GET", f"{calendar}a.ics")[1]["etag"]
    answers: list[int] = []

    def put(server: Server, title: str) -> None:
        body = ics(vtodo("a", title))
        answers.append(
            dav(server, auth, "PUT", f"{calendar}a.ics", body, Content_Type="text/calendar", If_Match=etag)[0]
        )

    threads = [
        threading.Thread(target=put, args=(server, f"Edit via {n}")) for n, server in enumerate(replicas)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [204, 412]
    (task,) = call("GET", f"{two.base}/api/tasks", None, jwt).body
    assert task["version"] == 2 and task["title"].startswith("Edit via")
