"""/mcp: the bearer token checked first, then the official SDK's Streamable HTTP transport.

Stateless, with JSON answers: each POST is one complete exchange that any worker or replica can
answer, and nothing is kept between requests. The SDK is imported and its session manager
started by `serve` (a background job of the app's lifespan) when the first request arrives,
then kept running until the app stops.

A POST's body is read here first, up to MAX_BODY_BYTES (413 in the contract's error body past
it), and only then does the exchange take one of the worker's EXCHANGES places in the SDK
(mcp_tools/state.py): a slow client holds no place while it sends. The SDK's own limit is set to
the same number, so it never refuses a body this one took.
"""

from __future__ import annotations

from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.errors import Unauthenticated
from domain.principal import TASK_SCOPES
from mcp_tools.state import MCPState, mcp_state
from runtime.auth import PRINCIPAL, verify_bearer
from runtime.imports import import_door
from runtime.public_base import public_base, resource_metadata_url
from runtime.request_body import BodyRefused, read_limited
from runtime.request_context import note_user
from runtime.services import services_of

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
        if scope["method"] != "POST":  # a GET's stream stays open as long as its client: no exchange
            await (await started(state))(scope, receive, send)
            return
        try:
            body = await read_limited(request, services_of(request).settings.max_body_bytes)
        except BodyRefused as refused:
            await refused_body(refused)(scope, receive, send)
            return
        app = await started(state)
        async with state.exchanges:
            await app(scope, replaying(body, receive), send)


endpoint = Endpoint()


async def started(state: MCPState) -> ASGIApp:
    """The SDK's app, once `serve` has started it."""
    state.wanted.set()
    await state.ready.wait()
    assert state.app is not None
    return state.app


def replaying(body: bytes, receive: Receive) -> Receive:
    """`receive` with the body already read given first, whole; then the client's own messages
    (its disconnect)."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def refused_body(refused: BodyRefused) -> Response:
    code = "payload_too_large" if refused.status == 413 else "bad_request"
    return JSONResponse({"detail": refused.message, "code": code}, refused.status, media_type=JSON_MEDIA_TYPE)


def unauthenticated(refusal: Unauthenticated, base: str) -> Response:
    """The contract's error body (which MCP clients show), and the challenge that sends an MCP
    client to the OAuth metadata (RFC 9728 5.1) with the scopes to ask for."""
    challenge = f'Bearer resource_metadata="{resource_metadata_url(base)}", scope="{" ".join(TASK_SCOPES)}"'
    body = {"detail": refusal.message, "code": "unauthorized"}
    return JSONResponse(body, 401, {"WWW-Authenticate": challenge}, media_type=JSON_MEDIA_TYPE)


async def serve(state: MCPState, max_body_bytes: int) -> None:
    """A background job: waits for the first /mcp request, then runs the SDK's session manager
    (its task group holds each request's server task) until the app stops."""
    await state.wanted.wait()
    registry: Any = await import_door("mcp_tools.registry")
    manager, state.app = registry.transport(max_body_bytes)
    async with manager.run():
        state.ready.set()
        await anyio.sleep_forever()
