"""Personal access tokens and scopes, through the app on every database: made and shown once,
kept hashed, listed, revoked at once (on another worker too), limited to their scopes, unable
to manage the account, revoked by a password change or the account's deletion, expiring."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from models import AccessToken, IdempotencyKey, database_proxy, utc_now
from router import HANDLER_MODULES, create_app
from settings import Settings
from tests.support.accounts import PASSWORD, auth, signup
from tests.support.live import Server, call

READ, WRITE = "tasks:read", "tasks:write"


@pytest.fixture
def login(client: TestClient) -> dict[str, str]:
    return auth(signup(client)["access_token"])


def make_token(client: TestClient, login: dict[str, str], **fields: Any) -> dict[str, Any]:
    answer = client.post("/api/auth/tokens", json={"name": "agent", **fields}, headers=login)
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "no-store"
    return dict(answer.json())


def rows() -> list[AccessToken]:
    with database_proxy.obj.connection_context():
        return list(AccessToken.select())


def test_a_token_is_shown_once_and_kept_hashed(client: TestClient, login: dict[str, str]) -> None:
    made = make_token(client, login, name="  My agent ", expires_in_days=30)
    assert set(made) == {"id", "name", "scopes", "created_at", "expires_at", "last_used_at", "token"}
    assert made["name"] == "My agent" and made["scopes"] == [READ, WRITE] and made["last_used_at"] is None
    assert made["token"].startswith("tdo_") and len(made["token"]) >= 4 + 43  # 32 random bytes, base64url
    created = dt.datetime.fromisoformat(made["created_at"])
    assert dt.datetime.fromisoformat(made["expires_at"]) - created == dt.timedelta(days=30)
    (row,) = rows()
    assert row.token_hash == hashlib.sha256(made["token"].encode()).hexdigest()
    assert made["token"] not in repr(row.__data__)
    listed = client.get("/api/auth/tokens", headers=login).json()
    assert listed == [{key: value for key, value in made.items() if key != "token"}]
    assert make_token(client, login)["expires_at"] is not None  # 90 days by default
    assert make_token(client, login, expires_in_days=None)["expires_at"] is None  # never


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "tab\tname"},
        {"name": "a", "scopes": []},
        {"name": "a", "scopes": ["tasks:delete"]},
        {"name": "a", "scopes": "tasks:read"},
        {"name": "a", "expires_in_days": 0},
        {"name": "a", "expires_in_days": 366},
        {"name": "a", "expires_in_days": True},
        {"name": "a", "expires_in_days": "30"},
        {"name": "a", "expires_in_days": 1.5},
        {"scopes": [READ]},
    ],
)
def test_bad_token_requests_are_422(client: TestClient, login: dict[str, str], body: dict[str, Any]) -> None:
    answer = client.post("/api/auth/tokens", json=body, headers=login)
    assert answer.status_code == 422 and answer.json()["code"] == "validation_error"
    assert rows() == []


@pytest.mark.parametrize("shape", ["own", "user"])
def test_a_token_works_wherever_a_jwt_does(client: TestClient, login: dict[str, str], shape: str) -> None:
    token = auth(make_token(client, login)["token"])
    me = client.get("/api/auth/me", headers=token).json()
    tasks = "/api/tasks" if shape == "own" else f"/api/{me['id']}/tasks"
    created = client.post(tasks, json={"title": "from the agent"}, headers=token)
    assert created.status_code == 201
    assert [task["title"] for task in client.get(tasks, headers=token).json()] == ["from the agent"]
    assert client.get("/api/changes", headers=token).status_code == 200
    assert client.get("/api/auth/tokens", headers=login).json()[0]["last_used_at"] is not None


@pytest.mark.parametrize("scopes", [[READ], [WRITE], [READ, WRITE]])
def test_scopes_are_enforced_on_every_task_route(
    client: TestClient, login: dict[str, str], scopes: list[str]
) -> None:
    task = client.post("/api/tasks", json={"title": "mine"}, headers=login).json()
    token = auth(make_token(client, login, scopes=scopes)["token"])
    url = f"/api/tasks/{task['id']}"
    attempts: list[tuple[str, str, Any, str]] = [
        ("GET", "/api/tasks", None, READ),
        ("GET", url, None, READ),
        ("GET", "/api/changes", None, READ),
        ("POST", "/api/tasks", {"title": "new"}, WRITE),
        ("PUT", url, {"title": "put"}, WRITE),
        ("PATCH", url, {"title": "patched"}, WRITE),
        ("PATCH", f"{url}/complete", None, WRITE),
        ("POST", "/api/batch", {"operations": [{"op": "create", "task": {"title": "b"}}]}, WRITE),
        ("DELETE", "/api/tasks?completed=true", None, WRITE),
        # The zone new and recurring tasks take is the user's: changing it writes.
        ("PATCH", "/api/auth/me", {"time_zone": "Asia/Tokyo"}, WRITE),
    ]
    for method, path, body, needed in attempts:
        answer = client.request(method, path, json=body, headers=token)
        if needed in scopes:
            assert answer.status_code < 400, (method, path, answer.text)
        else:
            assert answer.status_code == 403, (method, path)
            assert answer.json()["code"] == "insufficient_scope"
            assert (
                answer.headers["www-authenticate"] == f'Bearer error="insufficient_scope", scope="{needed}"'
            )
    if WRITE not in scopes:
        assert client.get(url, headers=login).json()["title"] == "mine"  # nothing changed
        assert client.get("/api/auth/me", headers=login).json()["time_zone"] == "UTC"


def test_a_personal_token_cannot_manage_the_account(client: TestClient, login: dict[str, str]) -> None:
    made = make_token(client, login)
    token = auth(made["token"])
    attempts = [
        ("GET", "/api/auth/tokens", None),
        ("POST", "/api/auth/tokens", {"name": "another"}),
        ("DELETE", f"/api/auth/tokens/{made['id']}", None),
        ("POST", "/api/auth/password", {"current_password": PASSWORD, "new_password": "a new password"}),
        ("DELETE", "/api/auth/me", {"password": PASSWORD}),
    ]
    for method, path, body in attempts:
        answer = client.request(method, path, json=body, headers=token)
        assert (answer.status_code, answer.json()["code"]) == (403, "insufficient_scope"), path
    assert len(rows()) == 1 and client.get("/api/auth/me", headers=token).status_code == 200


def test_revoked_tokens_stop_at_once_and_others_tokens_are_404(
    client: TestClient, login: dict[str, str], settings: Settings
) -> None:
    made = make_token(client, login)
    token = auth(made["token"])
    other = Server.sharing(settings).start()  # another worker, on the same database
    try:
        assert call("GET", f"{other.base}/api/tasks", None, made["token"]).status == 200
        bob = auth(signup(client, "bob@example.com")["access_token"])
        assert client.delete(f"/api/auth/tokens/{made['id']}", headers=bob).status_code == 404
        assert client.delete("/api/auth/tokens/999999", headers=login).status_code == 404
        assert client.delete(f"/api/auth/tokens/{made['id']}", headers=login).status_code == 204
        assert client.get("/api/tasks", headers=token).status_code == 401
        assert call("GET", f"{other.base}/api/tasks", None, made["token"]).status == 401
    finally:
        other.stop()
    assert client.get("/api/auth/tokens", headers=login).json() == []


def test_a_password_change_or_deletion_revokes_every_token(client: TestClient, login: dict[str, str]) -> None:
    tokens = [auth(make_token(client, login)["token"]) for _ in range(2)]
    change = {"current_password": PASSWORD, "new_password": "another good password"}
    assert client.post("/api/auth/password", json=change, headers=login).status_code == 204
    assert [client.get("/api/tasks", headers=token).status_code for token in tokens] == [401, 401]
    login = auth(
        client.post(
            "/api/auth/login", json={"email": "ann@example.com", **{"password": change["new_password"]}}
        ).json()["access_token"]
    )
    survivor = auth(make_token(client, login)["token"])
    assert (
        client.request(
            "DELETE", "/api/auth/me", json={"password": change["new_password"]}, headers=login
        ).status_code
        == 204
    )
    assert client.get("/api/tasks", headers=survivor).status_code == 401
    assert rows() == []


def test_expired_and_unknown_tokens_are_401(client: TestClient, login: dict[str, str]) -> None:
    made = make_token(client, login, expires_in_days=1)
    token = auth(made["token"])
    assert client.get("/api/tasks", headers=token).status_code == 200
    with database_proxy.obj.connection_context():
        AccessToken.update(expires_at=utc_now() - dt.timedelta(seconds=1)).execute()
    expired = client.get("/api/tasks", headers=token)
    assert expired.status_code == 401 and expired.headers["www-authenticate"] == "Bearer"
    for unknown in ("tdo_" + "A" * 43, made["token"][:-1], "tdo_"):
        assert client.get("/api/tasks", headers=auth(unknown)).status_code == 401


def test_tokens_are_counted_per_user(make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings())) as client:
        login = auth(signup(client)["access_token"])
        for _ in range(100):
            make_token(client, login)
        refused = client.post("/api/auth/tokens", json={"name": "one more"}, headers=login)
        assert refused.status_code == 409


def test_every_handler_with_a_scope_asks_for_it() -> None:
    """A handler passes its ENDPOINT's scope to `authenticate`: one that forgot would let any
    token through (the tests above try each task route with each scope)."""
    for module in HANDLER_MODULES:
        if module.ENDPOINT.scope is not None:
            assert "authenticate(request, ENDPOINT.scope)" in inspect.getsource(module), module.__name__


def test_a_created_token_is_never_kept_for_replay(client: TestClient, login: dict[str, str]) -> None:
    """An Idempotency-Key on token creation is not honoured: replaying the answer would mean
    keeping the token itself."""
    keyed = {**login, "Idempotency-Key": "make-agent-token"}
    first = client.post("/api/auth/tokens", json={"name": "agent"}, headers=keyed)
    second = client.post("/api/auth/tokens", json={"name": "agent"}, headers=keyed)
    assert first.json()["token"] != second.json()["token"] and "idempotent-replayed" not in second.headers
    with database_proxy.obj.connection_context():
        assert IdempotencyKey.select().count() == 0
