"""Errors as JSON: `ErrorMiddleware` is the one place an exception becomes a response:
`ApiError` (or a named error of the domain, as `api_error` maps it) with its status, Starlette's
404/405 with the contract's body, anything else a logged 500 that shows the caller only its
request id.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from domain.errors import DomainError
from handlers.http.errors import CODES_BY_STATUS, ApiError, api_error
from handlers.http.responses import JSONResponse, error_body
from runtime.request_context import current_request

logger = logging.getLogger("todo_api.errors")


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


def error_response(exc: Exception, request_id: str, scope: Scope) -> JSONResponse:
    if isinstance(exc, DomainError):
        exc = api_error(exc)
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
