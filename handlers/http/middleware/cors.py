"""CORS, as the contract asks it of every answer (errors included)."""

from __future__ import annotations

from starlette.middleware import cors
from starlette.types import Receive, Scope, Send


class CORSMiddleware(cors.CORSMiddleware):
    """Starlette's, for the requests that carry an `Origin` header.

    One without it is no browser's cross-origin request: all CORS asks of its response is
    `Vary: Origin` (a browser may cache it and later make a cross-origin request for the same
    address), which RequestMiddleware adds with its own headers, without Starlette's parsing
    and rewriting of the response's headers, a large part of a cached list request's work
    (bench/README.md).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(name == b"origin" for name, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return
        await self.app(scope, receive, send)
