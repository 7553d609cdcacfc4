"""The app's MCP server, started on first use (mcp_tools/endpoint.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp

# The exchanges the SDK serves at once in a worker; more wait for a place. Each one in the SDK
# holds a server session, its streams and a task group: at 64 at once the worker's peak resident
# set was 4 MB higher, and its CPU per call 1.5 times, than with 4 (bench/README.md). The
# database's threads (DB_POOL_SIZE) serve a few at a time anyway.
EXCHANGES = 4


@dataclass
class MCPState:
    """`wanted` once a request has asked for the server, `ready` once `app` serves; `exchanges`
    the places in it (EXCHANGES)."""

    wanted: anyio.Event = field(default_factory=anyio.Event)
    ready: anyio.Event = field(default_factory=anyio.Event)
    app: ASGIApp | None = None
    exchanges: anyio.Semaphore = field(default_factory=lambda: anyio.Semaphore(EXCHANGES))


def mcp_state(request: Request) -> MCPState:
    """The MCP door's state, which the app's lifespan put in the request's state."""
    state: MCPState = request.scope["state"]["mcp"]
    return state
