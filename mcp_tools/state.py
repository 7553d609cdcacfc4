"""TODO: mcp_tools/state.py"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio
from starlette.types import ASGIApp

if TYPE_CHECKING:
    pass


@dataclass
class MCPState:
    """The app's MCP server (mcp_tools/endpoint.py): `wanted` once a request has asked for it,
    `ready` once `app` serves."""

    wanted: anyio.Event = field(default_factory=anyio.Event)
    ready: anyio.Event = field(default_factory=anyio.Event)
    app: ASGIApp | None = None
