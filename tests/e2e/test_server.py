"""The real thing: `uvicorn router:app` as a process, from a fresh data directory with no
configuration, through signup, CRUD, isolation, a restart, and the data still there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.accounts import signup
from tests.support.live import Server, call

pytestmark = pytest.mark.slow


def test_fresh_start_crud_isolation_restart(tmp_path: Path) -> None:
    server = Server({"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4"}).start()
    base = server.base
    try:
        ann = call(
            "POST", f"{base}/api/auth/signup", {"email": "ann@example.com", "password": "password-ann"}
        )
        bob = call(
            "POST", f"{base}/api/auth/signup", {"email": "bob@example.com", "password": "password-bob"}
        )
        assert (ann.status, bob.status) == (201, 201)
        ann_token, bob_token = ann.body["access_token"], bob.body["access_token"]
        ann_id = ann.body["user"]["id"]

        created = call(
            "POST", f"{base}/api/{ann_id}/tasks", {"title": "Buy milk", "tags": ["home"]}, ann_token
        )
        assert created.status == 201
        task_url = f"{base}/api/tasks/{created.body['id']}"
        assert created.headers["location"] == task_url
        assert call("PATCH", task_url, {"priority": "high"}, ann_token).body["priority"] == "high"
        assert call("PATCH", f"{task_url}/complete", None, ann_token).body["completed"] is True
        second = call("POST", f"{base}/api/tasks", {"title": "Call mum"}, ann_token)
        assert call("DELETE", f"{base}/api/tasks/{second.body['id']}", None, ann_token).status == 204

        assert call("GET", task_url, None, bob_token).status == 404
        assert call("DELETE", task_url, None, bob_token).status == 404
        assert call("GET", f"{base}/api/{ann_id}/tasks", None, bob_token).status == 403
        assert call("GET", f"{base}/api/tasks", None, bob_token).body == []
        assert call("GET", f"{base}/api/tasks").status == 401
    finally:
        server.stop()
    assert "JWT_SECRET is not set" in server.output()
    assert (tmp_path / "todo.db").exists()

    restarted = Server({"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4"}, port=server.port).start()
    try:
        listed = call("GET", f"{base}/api/tasks", None, ann_token)  # the token issued before the restart
        assert listed.status == 200
        assert [
            (task["title"], task["priority"], task["completed"], task["tags"]) for task in listed.body
        ] == [("Buy milk", "high", True, ["home"])]
        login = call(
            "POST", f"{base}/api/auth/login", {"email": "bob@example.com", "password": "password-bob"}
        )
        assert login.status == 200
        assert call("GET", f"{base}/api/tasks", None, login.body["access_token"]).body == []
    finally:
        restarted.stop()
    assert "applied migrations" not in restarted.output().split("Started server process")[-1]


def test_bad_database_url_stops_start_up_with_one_line(tmp_path: Path) -> None:
    server = Server({"DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://me:hunter2@host:port/db"})
    with pytest.raises(RuntimeError) as error:
        server.start()
    output = server.output()
    assert "configuration error: DATABASE_URL:" in output
    assert "hunter2" not in output
    assert "Traceback" not in output
    assert "server exited with 2" in str(error.value)


def test_a_local_proxy_shapes_urls_with_the_images_flags(tmp_path: Path) -> None:
    """Behind a proxy on 127.0.0.1 (the default FORWARDED_ALLOW_IPS), the address the client
    used is what task urls say. (uvicorn's own proxy headers, were they on, would replace the
    peer with the X-Forwarded-For client first, and the app would then not trust the host.)"""
    server = Server({"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4"}).start()
    forwarded = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "todo.example.com",
    }
    try:
        token = signup(server, "ann@example.com", "password-ann")["access_token"]
        created = call("POST", f"{server.base}/api/tasks", {"title": "Buy milk"}, token, headers=forwarded)
        assert created.status == 201
        assert created.headers["location"] == f"https://todo.example.com/api/tasks/{created.body['id']}"
        direct = call("GET", f"{server.base}/api/tasks/{created.body['id']}", None, token)
        assert direct.body["url"] == f"{server.base}/api/tasks/{created.body['id']}"
    finally:
        server.stop()
