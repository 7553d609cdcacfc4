"""A Starlette request built by hand, to call one handler alone: no router, no middleware."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.types import Message, Receive, Scope

from dav.door import DavState
from handlers.http.page_cache import PageCache
from handlers.http.state import RestState
from mcp_tools.state import MCPState
from runtime.services import Services


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
    """A request as the router would hand it to a handler, with `services` (and each door's own
    state, new) in its state."""
    all_headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body).encode()
        all_headers.setdefault("content-type", "application/json")
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    scope: Scope = {
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
        "state": {"services": services, "rest": RestState(PageCache()), "mcp": MCPState(), "dav": DavState()},
    }
    return Request(scope, receive_once(body))


def receive_once(body: bytes) -> Receive:
    """The ASGI receive of a client that sends `body` in one message, then disconnects."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
