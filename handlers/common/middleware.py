"""The pure-ASGI layers around the router: proxy headers, request ids (with the access log and
request metrics), CORS, errors as JSON.

`ErrorMiddleware` is the one place an exception becomes a response: `ApiError` with its
status, Starlette's 404/405 with the contract's body, anything else a logged 500 that shows
the caller only its request id.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import random
import re
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.middleware import cors
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handlers.common.errors import CODES_BY_STATUS, ApiError
from handlers.common.logs import access_logger
from handlers.common.metrics import Metrics
from handlers.common.request_context import RequestInfo, current_request
from handlers.common.responses import JSONResponse, error_body

REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,128}")
HOST_PATTERN = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9a-fA-F:]+\](:\d{1,5})?")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
VARY_ORIGIN = (b"vary", b"Origin")

logger = logging.getLogger("todo_api.errors")


class RequestMiddleware:
    """Each request's id (the caller's when sane, else a new one) in `current_request` and in
    the `X-Request-ID` header, the security headers, `Vary: Origin` for a request without an
    Origin (CORSMiddleware's part of it), and, when enabled, the access log line and the request
    metrics. Outside CORS and the error layer, so their answers get all of it too."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None, access_log: bool = False) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log
        # (method, route, status) -> the metrics' children: `labels()` looks them up each time.
        self.children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id, has_origin = read_headers(scope)
        info = RequestInfo(request_id or new_request_id(), scope=scope)
        context = current_request.set(info)
        added_headers = [(b"x-request-id", info.id.encode()), *SECURITY_HEADERS]
        if not has_origin:
            added_headers.append(VARY_ORIGIN)
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                info.status = message["status"]
                # A new list: a response's own header list may be sent again.
                message["headers"] = [*message.get("headers", ()), *added_headers]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if self.metrics is not None or self.access_log:
                self.record(scope, info.status or 500, time.perf_counter() - started, info)
            current_request.reset(context)

    def record(self, scope: Scope, status: int, seconds: float, info: RequestInfo) -> None:
        route = getattr(scope.get("route"), "path", "unmatched")
        method = scope["method"]
        if self.metrics is not None:
            key = (method, route, status)
            if (children := self.children.get(key)) is None:
                children = self.children[key] = (
                    self.metrics.requests.labels(method, route, str(status)),
                    self.metrics.latency.labels(method, route),
                )
            self.metrics.counts.add(children[0])
            children[1].observe(seconds)
        if self.access_log:
            fields = {"method": method, "route": route, "status": status, "user_id": info.user_id}
            access_logger.info(
                "%s %s %s",
                method,
                scope["path"],
                status,
                extra={**fields, "duration_ms": round(seconds * 1000, 2)},
            )


class ErrorMiddleware:
    """The one place an exception becomes a response (module docstring)."""

    def __init__(self, app: ASGIApp, router: ASGIApp) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["app"] = self.router  # makes Starlette raise 404/405 instead of answering in text
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            info = current_request.get()  # RequestMiddleware's, outside this one
            if info is None or info.status is not None:  # a response has begun: too late for another
                raise
            await error_response(exc, info.id, scope)(scope, receive, send)


def new_request_id() -> str:
    """128 random bits in hex. A label for logs, not a secret: Python's generator (reseeded in
    each forked worker) instead of a system call per request."""
    return f"{random.getrandbits(128):032x}"


def read_headers(scope: Scope) -> tuple[str | None, bool]:
    """The caller's request id when it is sane, and whether the request has an Origin."""
    request_id, has_origin = None, False
    for name, value in scope["headers"]:
        if name == b"x-request-id" and request_id is None:
            candidate = value.decode("latin-1")
            request_id = candidate if REQUEST_ID_PATTERN.fullmatch(candidate) else ""
        elif name == b"origin":
            has_origin = True
    return request_id or None, has_origin


def error_response(exc: Exception, request_id: str, scope: Scope) -> JSONResponse:
    if isinstance(exc, ApiError):
        status, detail, code, headers = exc.status, exc.detail, exc.code, exc.headers
        if status >= 500:
            logger.error("%s %s -> %s [request %s]", scope["method"], scope["path"], status, request_id)
    elif isinstance(exc, HTTPException):
        status, detail, headers = exc.status_code, exc.detail, dict(exc.headers or {})
        code = CODES_BY_STATUS.get(status, "bad_request")
    else:
        logger.exception("unhandled error in %s %s [request %s]", scope["method"], scope["path"], request_id)
        status, code, headers = 500, "internal_error", {}
        detail = f"Internal server error (request id {request_id})"
    return JSONResponse(error_body(code, detail), status_code=status, headers=headers)


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


class ForwardedHeadersMiddleware:
    """`X-Forwarded-For/-Proto/-Host` applied when the peer is a trusted proxy.

    Like uvicorn's `--proxy-headers`, plus the host, so a task's `url` is the address the
    client used. Trusted: `FORWARDED_ALLOW_IPS` (addresses or networks, `*` for any).
    """

    def __init__(self, app: ASGIApp, trusted: tuple[str, ...]) -> None:
        self.app = app
        self.trust_all = "*" in trusted
        self.networks = [ipaddress.ip_network(item, strict=False) for item in trusted if is_network(item)]
        # The peer is nearly always the same proxy or two: parsing its address every time costs
        # more than the rest of this middleware. (Addresses in X-Forwarded-For, which a client
        # writes, are not kept.)
        self.is_trusted_peer = functools.lru_cache(maxsize=256)(self.is_trusted)

    def is_trusted(self, host: str | None) -> bool:
        if self.trust_all:
            return True
        try:
            address = ipaddress.ip_address(host or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and self.is_trusted_peer(client[0] if client else None):
            self.apply(scope)
        await self.app(scope, receive, send)

    def apply(self, scope: Scope) -> None:
        headers = dict(scope["headers"])
        if (proto := last_value(headers.get(b"x-forwarded-proto"))) and proto in ("http", "https"):
            scope["scheme"] = proto
        host = last_value(headers.get(b"x-forwarded-host"))
        if host and HOST_PATTERN.fullmatch(host):
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope["headers"].append((b"host", host.encode()))
        if chain := headers.get(b"x-forwarded-for"):
            scope["client"] = (self.client_from(chain), 0)

    def client_from(self, chain: bytes) -> str:
        """The nearest address that is not a trusted proxy, read from the right of the chain."""
        addresses = [
            without_port(item.strip()) for item in chain.decode("latin-1").split(",") if item.strip()
        ]
        for address in reversed(addresses):
            if not self.is_trusted(address):
                return address
        return addresses[0] if addresses else ""


def without_port(entry: str) -> str:
    """An X-Forwarded-For entry's address: `203.0.113.7:5555` and `[2001:db8::1]:443` carry a
    port, a bare IPv6 address (`2001:db8::1`) has colons of its own."""
    if entry.startswith("["):
        return entry[1:].partition("]")[0]
    host, colon, port = entry.rpartition(":")
    return host if colon and ":" not in host and port.isdigit() else entry


def is_network(item: str) -> bool:
    try:
        ipaddress.ip_network(item, strict=False)
    except ValueError:
        return False
    return True


def last_value(raw: bytes | None) -> str | None:
    return raw.decode("latin-1").split(",")[-1].strip() if raw else None
