"""A request's body read whole, up to a limit: what every door reads before it parses one. Each
door answers `BodyRefused` in its own words (the API's error body, a DAV error, an OAuth error)."""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request


class BodyRefused(Exception):
    """The body was not read: over the limit (413), or malformed framing (400)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body; BodyRefused(413) as soon as it is known to exceed `limit`, before the rest
    is read (from its Content-Length, or while it streams in)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BodyRefused(400, "Invalid Content-Length header")
        if int(declared) > limit:
            raise BodyRefused(413, f"The body is larger than {limit} bytes")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyRefused(413, f"The body is larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise BodyRefused(400, "The body ended early") from None
    return b"".join(chunks)
