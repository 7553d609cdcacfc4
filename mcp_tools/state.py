"""The app's MCP server, started on first use (mcp_tools/endpoint.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp


@dataclass
class MCPState:
    """`wanted` once a request has asked for the server, `ready` once `app` serves."""

    wanted: anyio.Event = field(default_factory=anyio.Event)
    ready: anyio.Event = field(default_factory=anyio.Event)
    app: ASGIApp | None = None


def mcp_state(request: Request) -> MCPState:
    """The MCP door's state, which the app's lifespan put in the request's state."""
    state: MCPState = request.scope["state"]["mcp"]
    return state
