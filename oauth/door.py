"""The OAuth door's entrance: its paths, and an ASGI app that builds the door's router the
first time a request comes (oauth/routes.py). The door is made of the `mcp` SDK's auth models,
whose import takes about a third of a second: a cold start that serves no OAuth request does
not pay for it (as /mcp, mcp_tools/endpoint.py)."""

from __future__ import annotations

import importlib

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

# Each path of the door with its methods. The endpoints are the SDK's defaults under the
# issuer; the consent page posts its form to CONSENT_PATH.
AUTHORIZE_PATH = "/authorize"
CONSENT_PATH = "/authorize/consent"
PATHS: dict[str, list[str]] = {
    "/.well-known/oauth-protected-resource/mcp": ["GET"],
    "/.well-known/oauth-protected-resource": ["GET"],
    "/.well-known/oauth-authorization-server": ["GET"],
    "/register": ["POST"],
    AUTHORIZE_PATH: ["GET"],
    CONSENT_PATH: ["POST"],
    "/token": ["POST"],
    "/revoke": ["POST"],
}


class Door:
    """The router of oauth/routes.py, imported (in a worker thread) and built on first use."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            routes = await anyio.to_thread.run_sync(importlib.import_module, "oauth.routes")
            self.app = routes.router()
        await self.app(scope, receive, send)


door = Door()
