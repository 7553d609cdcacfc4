"""Regressions for what a review found: raced login limits, oversized forwarded addresses, a
deleted account brought back by an old token, lost concurrent edits, NUL bytes and odd claims."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.testclient import TestClient

from settings import Settings
from tests.support.accounts import auth, signup
from tests.support.live import Server, call
from tests.support.tokens import signed_token


@pytest.mark.slow
def test_a_burst_of_parallel_guesses_is_held_to_the_limit(settings: Settings) -> None:
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


def test_an_oversized_forwarded_address_is_a_401_and_still_counted(make_settings: Any) -> None:
    from router import create_app

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


def external_token(subject: str, issued_at: float, **claims: Any) -> str:
    """HS256 with the shared secret from an issuer that is not this service."""
    return signed_token({"sub": subject, "iss": "https://fe", **claims}, issued_at=issued_at)


def test_a_deleted_external_account_stays_deleted_for_older_tokens(client: TestClient) -> None:
    old = auth(external_token("ext-deleted", time.time() - 5))
    client.post("/api/tasks", json={"title": "before"}, headers=old)
    assert [t["title"] for t in client.get("/api/tasks", headers=old).json()] == ["before"]  # now cached
    assert client.request("DELETE", "/api/auth/me", headers=old).status_code == 204
    assert client.get("/api/tasks", headers=old).status_code == 401
    assert client.get("/api/auth/me", headers=old).status_code == 401
    time.sleep(1.1)  # iat has a resolution of one second
    fresh = auth(external_token("ext-deleted", time.time()))
    assert client.get("/api/tasks", headers=fresh).json() == []  # a new account, not the old list
    assert client.get("/api/auth/me", headers=fresh).status_code == 200


def test_odd_claims_of_another_issuer(client: TestClient) -> None:
    now = time.time()
    long_email = auth(external_token("ext-long", now, email="a" * 300 + "@example.com", name="N\x00ame"))
    me = client.get("/api/auth/me", headers=long_email)
    assert me.status_code == 200
    assert (me.json()["email"], me.json()["name"]) == (None, None)
    assert client.get("/api/auth/me", headers=auth(external_token("nul\x00sub", now))).status_code == 401


def test_nul_in_a_login_email_is_422_not_500(client: TestClient) -> None:
    assert (
        client.post("/api/auth/login", json={"email": "a\u0000@x.io", "password": "whatever1"}).status_code
        == 422
    )
    form = client.post("/api/auth/login", data={"username": "a\x00@x.io", "password": "whatever1"})
    assert form.status_code == 422


@pytest.mark.slow
def test_concurrent_edits_of_one_task_lose_nothing(settings: Settings) -> None:
    server = Server.sharing(settings).start()
    try:
        token = signup(server, "race@example.com")["access_token"]
        task = call("POST", f"{server.base}/api/tasks", {"title": "t", "tags": []}, token).body
        url = f"{server.base}/api/tasks/{task['id']}"
        with ThreadPoolExecutor(max_workers=8) as pool:
            toggles = list(
                pool.map(lambda _: call("PATCH", f"{url}/complete", None, token).status, range(20))
            )
            edits = list(
                pool.map(
                    lambda n: (
                        call(
                            "PATCH", url, {"description": "d"} if n % 2 else {"priority": "high"}, token
                        ).status
                    ),
                    range(2),
                )
            )
        final = call("GET", url, None, token).body
    finally:
        server.stop()
    assert set(toggles) == {200} and set(edits) == {200}
    assert final["completed"] is False  # 20 toggles: back where it started
    assert (final["description"], final["priority"]) == ("d", "high")


def test_sort_by_title_breaks_ties_by_id(client: TestClient) -> None:
    headers = auth(signup(client)["access_token"])
    for description in ("zzz", "aaa", None):
        client.post("/api/tasks", json={"title": "Same", "description": description}, headers=headers)
    ids = [t["id"] for t in client.get("/api/tasks?sort=title", headers=headers).json()]
    assert ids == sorted(ids)
    assert [t["id"] for t in client.get("/api/tasks?sort=-title", headers=headers).json()] == sorted(
        ids, reverse=True
    )
