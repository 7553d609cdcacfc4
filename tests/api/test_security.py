"""Attacks, abuse and bad input: each gets the right 4xx, never a 5xx, and changes nothing."""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from domain import throttle
from models import LoginThrottle, Task, TaskTag, User, database_proxy, utc_now
from router import create_app
from settings import Settings
from tests.support.accounts import PASSWORD, auth, signup
from tests.support.live import Server, call
from tests.support.tokens import SECRET, signed_token


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row the service stores, to show that a refused request changed nothing."""
    db = database_proxy.obj
    with db.connection_context():
        return {
            model.__name__: sorted(map(str, model.select().tuples()))
            for model in (User, Task, TaskTag, LoginThrottle)
        }


@pytest.fixture
def ann_with_a_task(client: TestClient, ann: dict[str, Any]) -> dict[str, Any]:
    client.post("/api/tasks", json={"title": "first", "tags": ["a"]}, headers=auth(ann["access_token"]))
    return ann


# Tokens --------------------------------------------------------------------------------------


def unsigned(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def bad_tokens(ann_with_a_task: dict[str, Any]) -> dict[str, str]:
    now = int(time.time())
    user_id = ann_with_a_task["user"]["id"]
    return {
        "alg none": unsigned({"sub": user_id, "exp": now + 600}),
        "alg none upper": unsigned({"sub": user_id, "exp": now + 600}).replace("bm9uZ", "Tk9OR", 1),
        "tampered payload": tampered(ann_with_a_task["access_token"]),
        "expired": signed_token({"sub": user_id, "exp": now - 3600}),
        "nbf in the future": signed_token({"sub": user_id, "nbf": now + 3600}),
        "no sub": signed_token({}),
        "numeric sub": signed_token({"sub": 12345}),
        "empty sub": signed_token({"sub": ""}),
        "no exp": jwt.encode({"sub": user_id}, SECRET, algorithm="HS256"),
        "HS512": signed_token({"sub": user_id}, algorithm="HS512"),
        "8 KB": signed_token({"sub": user_id, "pad": "x" * 8192}),
        "garbage": "not-a-token",
        "two parts": "abc.def",
    }


def test_bad_tokens_are_401_and_change_nothing(client: TestClient, ann_with_a_task: dict[str, Any]) -> None:
    before = snapshot()
    for name, token in bad_tokens(ann_with_a_task).items():
        for method, path in (("GET", "/api/tasks"), ("POST", "/api/tasks"), ("GET", "/api/auth/me")):
            response = client.request(method, path, json={"title": "x"}, headers=auth(token))
            assert response.status_code == 401, (name, method, path, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
    assert snapshot() == before


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "bearer",
        "Token abc",
        "Basic dXNlcjpwYXNz",
        "Bearer a b c",
        "Bearer\tabc",
        "BearerX " + "a" * 20,
        "Bearer " + "é" * 10,
    ],
)
def test_malformed_authorization_headers_are_401(client: TestClient, header: str) -> None:
    response = client.get("/api/tasks", headers={"Authorization": header.encode("utf-8")})
    assert response.status_code == 401


def test_wrong_issuer_or_audience_when_set(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(JWT_ISSUER="https://api.example", JWT_AUDIENCE="todo")
    with TestClient(create_app(settings)) as client:
        user_id = signup(client)["user"]["id"]
        for claims in (
            {"iss": "https://other", "aud": "todo"},
            {"iss": "https://api.example", "aud": "other"},
            {},
        ):
            assert (
                client.get("/api/auth/me", headers=auth(signed_token({"sub": user_id, **claims}))).status_code
                == 401
            )


def test_token_of_a_deleted_user_is_401(client: TestClient, ann_with_a_task: dict[str, Any]) -> None:
    token = ann_with_a_task["access_token"]
    response = client.request("DELETE", "/api/auth/me", json={"password": PASSWORD}, headers=auth(token))
    assert response.status_code == 204
    assert client.get("/api/tasks", headers=auth(token)).status_code == 401
    assert client.post("/api/tasks", json={"title": "zombie"}, headers=auth(token)).status_code == 401
    assert snapshot()["User"] == []
    assert snapshot()["Task"] == [] and snapshot()["TaskTag"] == []


def test_password_change_revokes_older_tokens(client: TestClient, ann_with_a_task: dict[str, Any]) -> None:
    old = ann_with_a_task["access_token"]
    body = {"current_password": PASSWORD, "new_password": "a brand new password"}
    assert client.post("/api/auth/password", json=body, headers=auth(old)).status_code == 204
    assert client.get("/api/tasks", headers=auth(old)).status_code == 401
    assert (
        client.post("/api/auth/login", json={"email": "ann@example.com", "password": PASSWORD}).status_code
        == 401
    )
    fresh = client.post(
        "/api/auth/login", json={"email": "ann@example.com", "password": "a brand new password"}
    )
    assert fresh.status_code == 200
    assert [
        t["title"] for t in client.get("/api/tasks", headers=auth(fresh.json()["access_token"])).json()
    ] == ["first"]


def test_password_change_needs_the_current_password(
    client: TestClient, ann_with_a_task: dict[str, Any]
) -> None:
    before = snapshot()["User"]
    body = {"current_password": "wrong password", "new_password": "a brand new password"}
    response = client.post("/api/auth/password", json=body, headers=auth(ann_with_a_task["access_token"]))
    assert response.status_code == 403
    too_short = {"current_password": PASSWORD, "new_password": "short"}
    assert (
        client.post(
            "/api/auth/password", json=too_short, headers=auth(ann_with_a_task["access_token"])
        ).status_code
        == 422
    )
    assert snapshot()["User"] == before
    assert client.get("/api/tasks", headers=auth(ann_with_a_task["access_token"])).status_code == 200


def test_account_deletion_needs_the_password(client: TestClient, ann_with_a_task: dict[str, Any]) -> None:
    before = snapshot()
    for body in ({"password": "wrong password"},):
        response = client.request(
            "DELETE", "/api/auth/me", json=body, headers=auth(ann_with_a_task["access_token"])
        )
        assert response.status_code == 403
    missing = client.request("DELETE", "/api/auth/me", headers=auth(ann_with_a_task["access_token"]))
    assert missing.status_code == 422
    after = snapshot()
    assert after["User"] == before["User"] and after["Task"] == before["Task"]


def test_deleting_an_account_leaves_other_accounts_alone(
    client: TestClient, ann_with_a_task: dict[str, Any]
) -> None:
    bob = signup(client, "bob@example.com")
    client.post("/api/tasks", json={"title": "bob's"}, headers=auth(bob["access_token"]))
    assert (
        client.request(
            "DELETE",
            "/api/auth/me",
            json={"password": PASSWORD},
            headers=auth(ann_with_a_task["access_token"]),
        ).status_code
        == 204
    )
    assert [t["title"] for t in client.get("/api/tasks", headers=auth(bob["access_token"])).json()] == [
        "bob's"
    ]
    assert signup(client, "ann@example.com")["user"]["id"] != ann_with_a_task["user"]["id"]


# Throttling ----------------------------------------------------------------------------------


def failed_login(client: TestClient, email: str = "ann@example.com", **headers: str) -> Any:
    return client.post(
        "/api/auth/login", json={"email": email, "password": "not the password"}, headers=headers
    )


def test_account_throttle_429_with_retry_after_and_success_resets(
    make_settings: Callable[..., Settings],
) -> None:
    with TestClient(create_app(make_settings(LOGIN_MAX_FAILURES="3"))) as client:
        signup(client)
        assert [failed_login(client).status_code for _ in range(3)] == [401, 401, 401]
        blocked = failed_login(client)
        assert blocked.status_code == 429
        assert blocked.json()["code"] == "rate_limited"
        assert 0 < int(blocked.headers["retry-after"]) <= 900
        right = client.post("/api/auth/login", json={"email": "ann@example.com", "password": PASSWORD})
        assert right.status_code == 429  # even the right password waits: no oracle while blocked


def test_success_resets_the_account_count(make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings(LOGIN_MAX_FAILURES="3"))) as client:
        signup(client)
        for _ in range(2):
            assert failed_login(client).status_code == 401
        assert (
            client.post(
                "/api/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
            ).status_code
            == 200
        )
        assert [failed_login(client).status_code for _ in range(3)] == [401, 401, 401]


def test_window_expires(make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings(LOGIN_MAX_FAILURES="2", LOGIN_WINDOW_SECONDS="1"))) as client:
        signup(client)
        assert [failed_login(client).status_code for _ in range(3)] == [401, 401, 429]
        time.sleep(1.2)
        assert failed_login(client).status_code == 401


def test_client_throttle_counts_across_accounts(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(LOGIN_MAX_FAILURES_PER_CLIENT="4", LOGIN_MAX_FAILURES="100")
    with TestClient(create_app(settings)) as client:
        statuses = [failed_login(client, f"user{n}@example.com").status_code for n in range(5)]
    assert statuses == [401, 401, 401, 401, 429]


def test_throttle_is_shared_by_every_worker(make_settings: Callable[..., Settings]) -> None:
    """Two app instances on one database (as two workers or replicas): one count."""
    settings = make_settings(LOGIN_MAX_FAILURES="2")
    with TestClient(create_app(settings)) as first:
        signup(first)
        assert failed_login(first).status_code == 401
    with TestClient(create_app(settings)) as second:
        assert failed_login(second).status_code == 401
        assert failed_login(second).status_code == 429


def test_forwarded_for_is_honoured_only_from_trusted_proxies(make_settings: Callable[..., Settings]) -> None:
    with TestClient(
        create_app(make_settings(LOGIN_MAX_FAILURES_PER_CLIENT="2", LOGIN_MAX_FAILURES="100"))
    ) as client:
        # testclient's peer is not a trusted proxy: X-Forwarded-For cannot spread the count
        statuses = [
            failed_login(client, f"u{n}@example.com", **{"X-Forwarded-For": f"10.0.0.{n}"}).status_code
            for n in range(3)
        ]
    assert statuses == [401, 401, 429]
    trusted = make_settings(
        LOGIN_MAX_FAILURES_PER_CLIENT="2", LOGIN_MAX_FAILURES="100", FORWARDED_ALLOW_IPS="*"
    )
    with TestClient(create_app(trusted)) as client:
        statuses = [
            failed_login(client, f"v{n}@example.com", **{"X-Forwarded-For": f"10.0.0.{n}"}).status_code
            for n in range(3)
        ]
    assert statuses == [401, 401, 401]


@pytest.mark.parametrize(
    ("chains", "statuses"),
    [
        # three clients, each named with a port, behind a trusted proxy named with its port
        (
            ["203.0.113.1:5555, 10.1.2.3:8080", "203.0.113.2:5555, 10.1.2.3:8081", "[2001:db8::1]:443"],
            [401] * 3,
        ),
        # one client on three ports (and once without one): one count
        (["203.0.113.7:5555, 10.1.2.3:8080", "203.0.113.7:5556", "203.0.113.7"], [401, 401, 429]),
        (["[2001:db8::1]:443, 10.1.2.3:8080", "[2001:db8::1]:444", "2001:db8::1"], [401, 401, 429]),
    ],
)
def test_forwarded_for_entries_with_a_port_count_as_their_address(
    make_settings: Callable[..., Settings], chains: list[str], statuses: list[int]
) -> None:
    trusted = make_settings(
        LOGIN_MAX_FAILURES_PER_CLIENT="2", LOGIN_MAX_FAILURES="100", FORWARDED_ALLOW_IPS="10.0.0.0/8"
    )
    with TestClient(create_app(trusted), client=("10.9.9.9", 4000)) as client:
        answers = [
            failed_login(client, f"w{n}@example.com", **{"X-Forwarded-For": chain}).status_code
            for n, chain in enumerate(chains)
        ]
    assert answers == statuses


def test_throttle_rows_past_their_window_are_deleted(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client rotating emails and addresses adds two rows per attempt; once their window has
    passed, later attempts delete them: the table holds about one window's worth of keys. The
    throttle's clock is the test's, so a slow machine cannot let a window pass mid-batch."""
    settings = make_settings(LOGIN_WINDOW_SECONDS="60", FORWARDED_ALLOW_IPS="*")
    clock = [utc_now()]
    monkeypatch.setattr(throttle, "utc_now", lambda: clock[0])

    def rotate(batch: int, count: int) -> None:
        for n in range(count):
            headers = {"X-Forwarded-For": f"198.51.{batch}.{n}"}
            assert failed_login(client, f"b{batch}-{n}@example.com", **headers).status_code == 401

    def row_count() -> int:
        with database_proxy.obj.connection_context():
            return int(LoginThrottle.select().count())

    with TestClient(create_app(settings)) as client:
        rotate(1, 30)
        assert row_count() == 60
        clock[0] += dt.timedelta(seconds=61)
        rotate(2, 30)
        assert row_count() == 60  # the first 60 are gone, the second 60 are within their window
        clock[0] += dt.timedelta(seconds=61)
        rotate(3, 3)  # each attempt deletes 10 expired rows and adds 2
        assert row_count() == 60 - 3 * 10 + 3 * 2


def test_an_oversized_forwarded_address_is_a_401_and_still_counted(make_settings: Any) -> None:
    """An oversized X-Forwarded-For or email in a login is a plain 401, and the failure still counts."""
    settings = make_settings(
        FORWARDED_ALLOW_IPS="*", LOGIN_MAX_FAILURES="2", LOGIN_MAX_FAILURES_PER_CLIENT="1000"
    )
    with TestClient(create_app(settings)) as client:
        signup(client)
        guess = {"email": "ann@example.com", "password": "a wrong guess"}
        statuses = [
            client.post(
                "/api/auth/login", json=guess, headers={"X-Forwarded-For": "x" * 400 + str(n)}
            ).status_code
            for n in range(3)
        ]
        long_email = client.post(
            "/api/auth/login", json={"email": "a" * 300 + "@x.io", "password": "whatever1"}
        )
    assert statuses == [401, 401, 429]
    assert long_email.status_code == 401


@pytest.mark.slow
def test_a_burst_of_parallel_guesses_is_held_to_the_limit(settings: Settings) -> None:
    """Parallel wrong guesses cannot race past LOGIN_MAX_FAILURES: exactly that many get a 401."""
    server = Server.sharing(settings, LOGIN_MAX_FAILURES="5", LOGIN_MAX_FAILURES_PER_CLIENT="1000").start()
    try:
        signup(server, "burst@example.com")
        guess = {"email": "burst@example.com", "password": "a wrong guess"}
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(
                pool.map(lambda _: call("POST", f"{server.base}/api/auth/login", guess).status, range(40))
            )
    finally:
        server.stop()
    assert statuses.count(401) == 5, statuses
    assert statuses.count(429) == 35


# Bodies, paths and queries -------------------------------------------------------------------


def test_hostile_bodies_get_4xx_and_change_nothing(
    client: TestClient, ann_with_a_task: dict[str, Any]
) -> None:
    headers = {**auth(ann_with_a_task["access_token"]), "content-type": "application/json"}
    task_id = client.get("/api/tasks", headers=headers).json()[0]["id"]
    before = snapshot()
    bodies = {
        "invalid utf-8": (b'{"title": "\xff\xfe"}', 400),
        "duplicate keys": (b'{"title": "a", "title": "b"}', 400),
        "deeply nested": (b'{"title": "x", "d": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400),
        "nul in title": (json.dumps({"title": "a\u0000b"}).encode(), 422),
        "nul in tag": (json.dumps({"title": "a", "tags": ["x\u0000"]}).encode(), 422),
        "not an object": (b'["title"]', 422),
        "a string": (b'"title"', 422),
        "truncated": (b'{"title": "a"', 400),
        "nan": (b'{"title": "a", "order": NaN}', 400),
        "huge number": (b'{"title": "a", "order": 1' + b"0" * 400 + b"}", 422),
    }
    for name, (body, status) in bodies.items():
        for method, path in (
            ("POST", "/api/tasks"),
            ("PATCH", f"/api/tasks/{task_id}"),
            ("PUT", f"/api/tasks/{task_id}"),
        ):
            response = client.request(method, path, content=body, headers=headers)
            assert response.status_code == status, (name, method, response.text)
    assert snapshot() == before


def test_nul_in_a_login_email_is_422_not_500(client: TestClient) -> None:
    """A NUL byte in a login email, JSON or form, is a 422, never a database error."""
    assert (
        client.post("/api/auth/login", json={"email": "a\u0000@x.io", "password": "whatever1"}).status_code
        == 422
    )
    form = client.post("/api/auth/login", data={"username": "a\x00@x.io", "password": "whatever1"})
    assert form.status_code == 422


def test_emoji_and_non_latin_text_round_trip(client: TestClient, ann_with_a_task: dict[str, Any]) -> None:
    text = "Café ☕ 日本語 🧪 Ω"
    response = client.post(
        "/api/tasks",
        json={"title": text, "description": text, "tags": ["🏷️", "Ünï"]},
        headers=auth(ann_with_a_task["access_token"]),
    )
    assert response.status_code == 201
    stored = client.get(
        f"/api/tasks/{response.json()['id']}", headers=auth(ann_with_a_task["access_token"])
    ).json()
    assert (stored["title"], stored["description"], stored["tags"]) == (text, text, ["🏷️", "ünï"])


@pytest.mark.parametrize(
    "task_id",
    [
        "18446744073709551616",
        "9223372036854775808",
        "99999999999999999999999999",
        "-1",
        "1e3",
        "0x10",
        "1%00",
    ],
)
def test_path_ids_out_of_range_or_odd(
    client: TestClient, ann_with_a_task: dict[str, Any], task_id: str
) -> None:
    before = snapshot()
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        response = client.request(
            method,
            f"/api/tasks/{task_id}",
            json={"title": "x"},
            headers=auth(ann_with_a_task["access_token"]),
        )
        assert response.status_code in (404, 422), (method, task_id, response.text)
    assert snapshot() == before


INJECTIONS = [
    "' OR 1=1 --",
    "1; DROP TABLE tasks",
    "%",
    "_",
    "\\",
    "%00",
    "' UNION SELECT * FROM users --",
    "${jndi:x}",
    "<script>",
    "*",
]


@pytest.mark.parametrize(
    "parameter",
    ["completed", "status", "q", "priority", "tag", "due_before", "due_after", "sort", "limit", "offset"],
)
def test_injection_like_query_values(
    client: TestClient, ann_with_a_task: dict[str, Any], parameter: str
) -> None:
    before = snapshot()
    for value in INJECTIONS:
        response = client.get(
            "/api/tasks", params={parameter: value}, headers=auth(ann_with_a_task["access_token"])
        )
        assert response.status_code in (200, 422), (parameter, value, response.text)
        if response.status_code == 200:
            assert response.json() == []  # nothing matches such a value
    deleted = client.delete(
        "/api/tasks", params={"completed": "' OR 1=1 --"}, headers=auth(ann_with_a_task["access_token"])
    )
    assert deleted.status_code == 422
    assert snapshot() == before


def test_user_id_path_injection_is_403(client: TestClient, ann_with_a_task: dict[str, Any]) -> None:
    for user_id in ("' OR 1=1 --", "..", "%2e%2e", ann_with_a_task["user"]["id"] + "x"):
        response = client.get(f"/api/{user_id}/tasks", headers=auth(ann_with_a_task["access_token"]))
        assert response.status_code in (403, 404), user_id


# Real HTTP: sizes and lying lengths ----------------------------------------------------------


@pytest.fixture
def live(tmp_path: Any) -> Iterator[tuple[Server, str]]:
    server = Server({"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "MAX_BODY_BYTES": "65536"}).start()
    token = signup(server, "raw@example.com")["access_token"]
    yield server, token
    server.stop()


def raw_request(
    server: Server, head: str, body: bytes = b"", send_all: bool = True, timeout: float = 10
) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(head.encode() + body if send_all else head.encode())
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


@pytest.mark.slow
def test_ten_megabyte_body_is_413_without_reading_it(live: tuple[Server, str]) -> None:
    server, token = live
    head = (
        "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {10 * 1024 * 1024}\r\nConnection: close\r\n\r\n"
    )
    started = time.monotonic()
    answer = raw_request(server, head, send_all=False)  # not one byte of the body is sent
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 5
    assert b'"code":"payload_too_large"' in answer


@pytest.mark.slow
def test_chunked_body_over_the_limit_is_413(live: tuple[Server, str]) -> None:
    server, token = live
    chunk = b"x" * 32768
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
    head = (
        "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    assert raw_request(server, head, body).startswith(b"HTTP/1.1 413")


@pytest.mark.slow
def test_content_length_that_lies(live: tuple[Server, str]) -> None:
    server, token = live
    body = b'{"title": "liar"}'
    head = (
        "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body) + 50}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        sock.shutdown(socket.SHUT_WR)  # then the client stops: the body never reaches its length
        answer = sock.recv(65536)
    assert not answer.startswith(b"HTTP/1.1 5") and not answer.startswith(b"HTTP/1.1 2"), answer[:100]
    shorter = (
        "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
    )
    assert raw_request(server, shorter, body).startswith(b"HTTP/1.1 400")
    assert call("GET", f"{server.base}/api/tasks", None, token).body == []
    assert "Traceback" not in server.output()


# Headers and logs ----------------------------------------------------------------------------


def test_security_headers_everywhere(client: TestClient) -> None:
    for path in ("/health", "/api/tasks", "/nope", "/", "/docs", "/openapi.json", "/static/app/main.js"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "no-referrer", path
    for page in ("/", "/docs"):
        policy = client.get(page).headers["content-security-policy"]
        # The Space page frames the app; another Space (any *.hf.space) may not.
        (ancestors,) = [
            part.split()[1:] for part in policy.split("; ") if part.startswith("frame-ancestors ")
        ]
        assert ancestors == ["'self'", "https://huggingface.co"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.slow
def test_logs_never_show_passwords_tokens_or_secrets(tmp_path: Any) -> None:
    secret = "log-test-secret-value-that-is-long-enough"
    db_password = "db-pass-word-xyz"
    server = Server(
        {"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "LOG_LEVEL": "debug", "JWT_SECRET": secret}
    ).start()
    password = "my very secret password"
    try:
        base = server.base
        token = signup(server, "log@example.com", password)["access_token"]
        call("POST", f"{base}/api/auth/login", {"email": "log@example.com", "password": password})
        call("POST", f"{base}/api/auth/login", {"email": "log@example.com", "password": "wrong " + password})
        call("POST", f"{base}/api/tasks", {"title": "t"}, token)
        call("GET", f"{base}/api/tasks", None, token + "tampered")
        call(
            "POST",
            f"{base}/api/auth/password",
            {"current_password": password, "new_password": password + "2"},
            token,
        )
        call("POST", f"{base}/api/tasks", {"title": "t"}, token)  # revoked
    finally:
        server.stop()
    failing = Server(
        {
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"postgresql://u:{db_password}@127.0.0.1:1/x",
            "AUTO_MIGRATE": "true",
        }
    )
    with pytest.raises(RuntimeError):
        failing.start()
    output = server.output() + failing.output()
    for needle in (password, token, token.split(".")[2], secret, db_password):
        assert needle not in output, needle
    assert "log@example.com" not in output
