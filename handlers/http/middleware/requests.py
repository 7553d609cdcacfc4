"""Each request's id and context, its security headers, and (when enabled) its access log line
and metrics."""

from __future__ import annotations

import random
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.views import service_root
from runtime.logs import access_logger
from runtime.metrics import Metrics
from runtime.request_context import RequestInfo, current_request

REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,128}")


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
VARY_ORIGIN = (b"vary", b"Origin")


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
        root_context = service_root.set(info.root_url)  # the urls of what its work records
        added_headers = [(b"x-request-id", info.id.encode()), *SECURITY_HEADERS]
        if not has_origin:
            added_headers.append(VARY_ORIGIN)
        recording = self.metrics is not None or self.access_log
        started = time.perf_counter() if recording else 0.0

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                info.status = message["status"]
                # A new list: a response's own header list may be sent again.
                message["headers"] = [*message.get("headers", ()), *added_headers]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if recording:
                self.record(scope, info.status or 500, time.perf_counter() - started, info)
            service_root.reset(root_context)
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
