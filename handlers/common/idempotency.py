"""`Idempotency-Key` on authenticated POST and PATCH (IETF httpapi idempotency-key draft).

The first request with a key runs; it claims the key in the transaction of its first write
(crud/idempotency.py), and its answer is stored before it is sent. A later request of the same
user with the same key, method, path and body gets that answer again with
`Idempotent-Replayed: true`; with another method, path or body it is a 422
`idempotency_key_reused`; while the first still runs, a 409 with `Retry-After: 1`. A 5xx is not
kept: a retry runs again. Keys are kept IDEMPOTENCY_TTL_HOURS.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.idempotency import (
    Claim,
    current_claim,
    find_key,
    in_flight,
    release_key,
    store_answer,
)
from handlers.common.errors import ApiError, validation_error
from handlers.common.middleware import error_response
from handlers.common.request_context import current_request
from handlers.common.services import services_of
from models import IdempotencyKey

HEADER = b"idempotency-key"
# Response headers a replay repeats (the others are the answer's framing, or added outside).
KEPT_HEADERS = {"content-type", "location", "etag", "link", "x-total-count", "retry-after", "cache-control"}


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        keyed = scope["type"] == "http" and scope["method"] in ("POST", "PATCH")
        key = header_value(scope, HEADER) if keyed else None
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            await self.keyed(scope, receive, send, key)
        except ApiError as error:
            info = current_request.get()
            await error_response(error, info.id if info else "", scope)(scope, receive, send)

    async def keyed(self, scope: Scope, receive: Receive, send: Send, key: str) -> None:
        if not 1 <= len(key) <= 255 or not all(" " <= ch <= "~" for ch in key):
            raise validation_error(
                ("header", "Idempotency-Key"), "must be 1 to 255 printable ASCII characters", "string_pattern"
            )
        request = Request(scope, receive)
        settings = services_of(request).settings
        try:
            principal = await authenticate(request)
        except ApiError:  # the handler answers it, with nothing to keep
            await self.app(scope, receive, send)
            return
        body, replay_receive = await buffered(receive, settings.max_body_bytes)
        ttl = dt.timedelta(hours=settings.idempotency_ttl_hours)
        claim = Claim(principal.subject, key, fingerprint(scope, body), ttl)
        if (first := await db.read(request, find_key, claim)) is not None:
            await answer_again(send, claim, first)
            return
        answer = Answer()
        context = current_claim.set(claim)
        try:
            await self.app(scope, replay_receive, answer.capture)
        finally:
            current_claim.reset(context)
        if answer.status < 500:
            await db.write(request, store_answer, claim, answer.status, answer.kept_headers(), answer.text())
        elif claim.committed:
            await db.write(request, release_key, claim)
        await answer.send(send)


def fingerprint(scope: Scope, body: bytes) -> str:
    """What makes two requests the same: method, path and query, body."""
    target = scope["path"].encode() + b"?" + scope["query_string"]
    return hashlib.sha256(b"\0".join([scope["method"].encode(), target, body])).hexdigest()


async def answer_again(send: Send, claim: Claim, first: IdempotencyKey) -> None:
    """The first answer to this key, or why there is none to give."""
    if first.fingerprint != claim.fingerprint:
        raise ApiError(
            422, "This Idempotency-Key was used for another request", code="idempotency_key_reused"
        )
    if first.status is None:
        raise in_flight()
    raw = (first.body or "").encode()
    lines = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in json.loads(first.headers or "[]")
    ]
    lines += [(b"content-length", str(len(raw)).encode()), (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": first.status, "headers": lines})
    await send({"type": "http.response.body", "body": raw})


class Answer:
    """A response held back until it is stored."""

    def __init__(self) -> None:
        self.start: Message = {}
        self.chunks: list[bytes] = []

    @property
    def status(self) -> int:
        return int(self.start.get("status", 500))

    async def capture(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    def kept_headers(self) -> list[tuple[str, str]]:
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in self.start["headers"]]
        return [(name, value) for name, value in headers if name.lower() in KEPT_HEADERS]

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", errors="replace")

    async def send(self, send: Send) -> None:
        await send(self.start)
        await send({"type": "http.response.body", "body": b"".join(self.chunks)})


async def buffered(receive: Receive, limit: int) -> tuple[bytes, Receive]:
    """The body (read up to one byte past `limit`), and a `receive` that gives the app what was
    read and then whatever the client still sends (the app answers 413 for too large a body)."""
    messages: list[Message] = []
    size, more = 0, True
    while more and size <= limit:
        message = await receive()
        messages.append(message)
        size += len(message.get("body", b""))
        more = message["type"] == "http.request" and message.get("more_body", False)
    body = b"".join(message.get("body", b"") for message in messages)

    async def replay_receive() -> Message:
        return messages.pop(0) if messages else await receive()

    return body, replay_receive


def header_value(scope: Scope, name: bytes) -> str | None:
    for header, value in scope.get("headers", ()):
        if header == name:
            return str(value.decode("latin-1"))
    return None
