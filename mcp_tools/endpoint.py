"""/mcp: the bearer token checked first, then the official SDK's Streamable HTTP transport.

Stateless, with JSON answers: each POST is one complete exchange that any worker or replica can
answer, and nothing is kept between requests. The SDK is imported and its session manager
started by `serve` (a background job of the app's lifespan) when the first request arrives,
then kept running until the app stops.
"""

from __future__ import annotations

import importlib
from typing import Any

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from handlers.http.errors import ApiError
from handlers.http.middleware.errors import error_response
from runtime.auth import PRINCIPAL, verify_bearer
from runtime.request_context import current_request, note_user
from runtime.services import Services, services_of


class Endpoint:
    """The route's ASGI app (a class: Starlette calls a plain function as request -> response):
    401 (with WWW-Authenticate) without a valid token, else the SDK's transport, which finds
    the caller's principal in the request's scope."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            principal = scope[PRINCIPAL] = await verify_bearer(request)
        except ApiError as refusal:
            info = current_request.get()
            await error_response(refusal, info.id if info else "", scope)(scope, receive, send)
            return
        note_user(principal.subject)
        state = services_of(request).mcp
        state.wanted.set()
        await state.ready.wait()
        assert state.app is not None
        await state.app(scope, receive, send)


endpoint = Endpoint()


async def serve(services: Services) -> None:
    """A background job: waits for the first /mcp request, then runs the SDK's session manager
    (its task group holds each request's server task) until the app stops."""
    await services.mcp.wanted.wait()
    registry: Any = await anyio.to_thread.run_sync(importlib.import_module, "mcp_tools.registry")
    manager, services.mcp.app = registry.transport()
    async with manager.run():
        services.mcp.ready.set()
        await anyio.sleep_forever()
