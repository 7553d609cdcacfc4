"""/mcp's POSTs in one worker: each body read whole, up to MAX_BODY_BYTES, before the exchange
takes one of the EXCHANGES places in the SDK (mcp_tools/endpoint.py). In-process, on the app
the lifespan started: requests from several threads run at once on its event loop."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from mcp_tools.state import EXCHANGES, MCPState
from router import create_app
from settings import Settings
from tests.support.accounts import auth, signup
from tests.support.concurrency import Overlap, at_once

HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def tool_call(tool: str, arguments: dict[str, Any]) -> bytes:
    return json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    ).encode()


def titles(client: TestClient, token: str) -> list[str]:
    return [task["title"] for task in client.get("/api/tasks", headers=auth(token)).json()]


def test_no_more_than_exchanges_calls_are_in_the_sdk_at_once(sqlite_settings: Settings) -> None:
    with TestClient(create_app(sqlite_settings)) as client:
        token = signup(client)["access_token"]
        headers = {**HEADERS, **auth(token)}
        assert client.post("/mcp", content=tool_call("list_lists", {}), headers=headers).status_code == 200
        state: MCPState = client.app_state["mcp"]
        inner, overlap = state.app, Overlap()

        async def counting(scope: Scope, receive: Receive, send: Send) -> None:
            assert inner is not None
            async with overlap.held():
                await inner(scope, receive, send)

        state.app = counting
        statuses: list[int] = []

        def add(number: int) -> None:
            body = tool_call("add_task", {"title": f"task {number}"})
            statuses.append(client.post("/mcp", content=body, headers=headers).status_code)

        at_once(add, 3 * EXCHANGES)
        assert statuses == [200] * 3 * EXCHANGES
        assert overlap.most == EXCHANGES  # as many at once as there are places, never more
        assert sorted(titles(client, token)) == sorted(f"task {number}" for number in range(3 * EXCHANGES))


def test_a_body_over_max_body_bytes_is_413_and_changes_nothing(make_settings: Any) -> None:
    with TestClient(create_app(make_settings(MAX_BODY_BYTES="2048"))) as client:
        token = signup(client)["access_token"]
        headers = {**HEADERS, **auth(token)}
        body = tool_call("add_task", {"title": "big", "description": "y" * 3000})
        refused = client.post("/mcp", content=body, headers=headers)
        assert refused.status_code == 413
        assert refused.json()["code"] == "payload_too_large"
        small = tool_call("add_task", {"title": "small", "description": "y" * 1000})
        assert client.post("/mcp", content=small, headers=headers).status_code == 200
        assert titles(client, token) == ["small"]


def test_the_sdk_takes_any_body_max_body_bytes_allows(make_settings: Any) -> None:
    """The SDK's own limit (4 MiB unless told) is MAX_BODY_BYTES too: it refuses nothing /mcp took."""
    with TestClient(create_app(make_settings(MAX_BODY_BYTES=str(6 * 2**20)))) as client:
        token = signup(client)["access_token"]
        body = tool_call("add_task", {"title": "big", "description": "y" * (5 * 2**20)})
        answer = client.post("/mcp", content=body, headers={**HEADERS, **auth(token)})
        assert answer.status_code == 200  # a tool result (the description is too long), not a 413
        assert answer.json()["result"]["isError"] is True
        assert titles(client, token) == []
