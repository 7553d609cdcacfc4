"""Shared fixtures: settings on a temporary data directory, the app through an HTTP test client,
and requests built by hand for calling one handler alone."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# `router` builds its module-level app from the environment on import: keep it off the repo.
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="todo-api-import-"))
os.environ.setdefault("BCRYPT_ROUNDS", "4")

from starlette.requests import Request
from starlette.testclient import TestClient

from handlers.common.services import Services, build_services
from migrations import runner
from models import database_proxy, open_database
from router import create_app
from settings import Settings, load_settings

SECRET = "test-secret-that-is-long-enough-for-hs256!"
PASSWORD = "correct horse battery"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings as the service would read them from this environment (and no `.env`)."""

    def make(**env: str) -> Settings:
        base = {"DATA_DIR": str(tmp_path / "data"), "BCRYPT_ROUNDS": "4", "JWT_SECRET": SECRET}
        return load_settings({**base, **env}, env_file=tmp_path / "absent.env")

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
async def services(settings: Settings) -> Services:
    """The services a handler reaches through the request, on a migrated database."""
    db = open_database(settings.database, settings.db_pool_size, settings.db_timeout_seconds)
    runner.upgrade(db)
    database_proxy.initialize(db)
    return build_services(settings, db)


def make_request(
    services: Services,
    method: str,
    path: str,
    *,
    path_params: dict[str, str] | None = None,
    token: str | None = None,
    json_body: Any = None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    query: str = "",
) -> Request:
    """A Starlette request as the router would hand it to a handler."""
    all_headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body).encode()
        all_headers.setdefault("content-type", "application/json")
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in all_headers.items()],
        "path_params": path_params or {},
        "state": {"services": services},
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def signup(client: TestClient, email: str = "ann@example.com", password: str = PASSWORD) -> dict[str, Any]:
    response = client.post("/api/auth/signup", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return response.json()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
