"""Accounts for tests: sign up through the app (in-process or over real HTTP) or through the
signup handler alone, and the Authorization header that carries a token."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from handlers import signup as signup_handler
from runtime.services import Services
from tests.support.live import Server, call
from tests.support.requests import make_request

PASSWORD = "correct horse battery"
SIGNUP = "/api/auth/signup"


def signup(
    via: TestClient | Server, email: str = "ann@example.com", password: str = PASSWORD, **fields: str
) -> dict[str, Any]:
    """Sign up through `via`, the app in-process or a live server; the 201's body (token, user)."""
    body = {"email": email, "password": password, **fields}
    if isinstance(via, TestClient):
        response = via.post(SIGNUP, json=body)
        assert response.status_code == 201, response.text
        account: dict[str, Any] = response.json()
        return account
    reply = call("POST", f"{via.base}{SIGNUP}", body)
    assert reply.status == 201, reply.body
    live_account: dict[str, Any] = reply.body
    return live_account


async def signup_alone(services: Services, email: str = "ann@example.com") -> dict[str, Any]:
    """Sign up by awaiting the signup handler itself (a refusal raises its error): for the
    tests that call handlers without the app around them."""
    body = {"email": email, "password": PASSWORD}
    response = await signup_handler.handle(make_request(services, "POST", SIGNUP, json_body=body))
    assert response.status_code == 201
    account: dict[str, Any] = json.loads(bytes(response.body))
    return account


def auth(token: str) -> dict[str, str]:
    """The headers that send `token` as a bearer token."""
    return {"Authorization": f"Bearer {token}"}
