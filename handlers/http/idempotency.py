"""`Idempotency-Key` on authenticated POST and PATCH (IETF httpapi idempotency-key draft).

The router wraps those handlers with `idempotent`, so it runs once the route and the method
have matched. The first request with a key runs; it claims the key in the transaction of its
first write (domain/idempotency.py), and its answer is stored before it is sent. A later request
of the same user with the same key, method, path and body gets that answer again with
`Idempotent-Replayed: true`; with another method, path or body it is a 422
`idempotency_key_reused`; while the first still runs, a 409 with `Retry-After: 1`. A 5xx is not
kept: a retry runs again. Keys are kept IDEMPOTENCY_TTL_HOURS.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from domain.errors import DomainError
from domain.idempotency import Claim, current_claim, find_key, in_flight, release_key, store_answer
from handlers.http.auth import authenticate
from handlers.http.errors import ApiError, validation_error
from handlers.http.middleware.errors import error_response
from handlers.http.responses import PreparedResponse
from handlers.http.validation import read_body
from models import IdempotencyKey
from runtime import calls
from runtime.request_context import current_request
from runtime.services import services_of
from settings import Settings

Handler = Callable[[Request], Awaitable[Response]]
# Response headers a replay repeats (the others are added outside the handler, or its framing).
KEPT_HEADERS = {
    b"content-type",
    b"location",
    b"etag",
    b"link",
    b"x-total-count",
    b"retry-after",
    b"cache-control",
}


def idempotent(handler: Handler, body_limit: Callable[[Settings], int]) -> Handler:
    """`handler` (an authenticated POST or PATCH, whose bodies are at most `body_limit`
    bytes) with Idempotency-Key honoured."""

    async def handle(request: Request) -> Response:
        key = request.headers.get("idempotency-key")
        return await handler(request) if key is None else await keyed(handler, request, key, body_limit)

    return handle


async def keyed(
    handler: Handler, request: Request, key: str, body_limit: Callable[[Settings], int]
) -> Response:
    if not 1 <= len(key) <= 255 or not all(" " <= ch <= "~" for ch in key):
        message = "must be 1 to 255 printable ASCII characters"
        raise validation_error(("header", "Idempotency-Key"), message, "string_pattern")
    settings = services_of(request).settings
    principal = await authenticate(request)  # refused: the handler would answer the same
    body = await read_body(request, body_limit(settings))
    ttl = dt.timedelta(hours=settings.idempotency_ttl_hours)
    claim = Claim(principal.subject, key, fingerprint(request, body), ttl)
    if (first := await calls.read_now(request, find_key, claim)) is not None:
        return answer_again(claim, first)
    context = current_claim.set(claim)
    try:
        response = await answer(handler, with_body(request, body))
    except Exception:
        if claim.committed:
            await calls.write_now(request, release_key, claim)
        raise
    finally:
        current_claim.reset(context)
    if response.status_code < 500:
        kept = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in kept_headers(response)]
        text = bytes(response.body).decode("utf-8", errors="replace")
        await calls.write_now(request, store_answer, claim, response.status_code, kept, text)
    elif claim.committed:
        await calls.write_now(request, release_key, claim)
    return response


async def answer(handler: Handler, request: Request) -> Response:
    """The handler's response, or the one its refusal gets (to be kept like any other)."""
    try:
        return await handler(request)
    except (ApiError, DomainError, HTTPException) as refusal:
        info = current_request.get()
        return error_response(refusal, info.id if info else "", request.scope)


def fingerprint(request: Request, body: bytes) -> str:
    """What makes two requests the same: method, path and query, body."""
    scope = request.scope
    target = scope["path"].encode() + b"?" + scope["query_string"]
    return hashlib.sha256(b"\0".join([scope["method"].encode(), target, body])).hexdigest()


def with_body(request: Request, body: bytes) -> Request:
    """The request again, for the handler to read the body this module has read already."""

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def kept_headers(response: Response) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, value in response.raw_headers if name in KEPT_HEADERS]


def answer_again(claim: Claim, first: IdempotencyKey) -> Response:
    """The first answer to this key, or why there is none to give."""
    if first.fingerprint != claim.fingerprint:
        reused = validation_error(
            ("header", "Idempotency-Key"), "was used for another request", "idempotency_key_reused"
        )
        raise ApiError(422, reused.detail, code="idempotency_key_reused")
    if first.status is None:
        raise in_flight()
    raw = (first.body or "").encode()
    kept = json.loads(first.headers or "[]")
    lines = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in kept]
    lines += [(b"content-length", str(len(raw)).encode()), (b"idempotent-replayed", b"true")]
    return PreparedResponse(raw, lines, status=first.status)
