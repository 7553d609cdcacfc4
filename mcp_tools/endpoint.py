"""/mcp: the bearer token checked first, then the official SDK's Streamable HTTP transport.

Stateless, with JSON answers: each POST is one complete exchange that any worker or replica can
answer, and nothing is kept between requests. The SDK is imported and its session manager
started by `serve` (a background job of the app's lifespan) when the first request arrives,
then kept running until the app stops.
"""

from __future__ import annotations

from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from domain.errors import Unauthenticated
from domain.principal import TASK_SCOPES
from mcp_tools.state import MCPState, mcp_state
from runtime.auth import PRINCIPAL, verify_bearer
from runtime.imports import import_door
from runtime.public_base import public_base, resource_metadata_url
from runtime.request_context import note_user

JSON_MEDIA_TYPE = "application/json; charset=utf-8"


class Endpoint:
    """The route's ASGI app (a class: Starlette calls a plain function as request -> response):
    401 (with WWW-Authenticate) without a valid token, else the SDK's transport, which finds
    the caller's principal in the request's scope."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            principal = scope[PRINCIPAL] = await verify_bearer(request)
        except Unauthenticated as refusal:
            await unauthenticated(refusal, public_base(request))(scope, receive, send)
            return
        note_user(principal.subject)
        state = mcp_state(request)
        state.wanted.set()
        await state.ready.wait()
        assert state.app is not None
        await state.app(scope, receive, send)


endpoint = Endpoint()


def unauthenticated(refusal: Unauthenticated, base: str) -> Response:
    """The contract's error body (which MCP clients show), and the challenge that sends an MCP
    client to the OAuth metadata (RFC 9728 5.1) with the scopes to ask for."""
    challenge = f'Bearer resource_metadata="{resource_metadata_url(base)}", scope="{" ".join(TASK_SCOPES)}"'
    body = {"detail": refusal.message, "code": "unauthorized"}
    return JSONResponse(body, 401, {"WWW-Authenticate": challenge}, media_type=JSON_MEDIA_TYPE)


async def serve(state: MCPState) -> None:
    """A background job: waits for the first /mcp request, then runs the SDK's session manager
    (its task group holds each request's server task) until the app stops."""
    await state.wanted.wait()
    registry: Any = await import_door("mcp_tools.registry")
    manager, state.app = registry.transport()
    async with manager.run():
        state.ready.set()
        await anyio.sleep_forever()
