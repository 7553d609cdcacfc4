"""API errors: raised anywhere in a handler, rendered as FastAPI-style JSON by the middleware."""

from __future__ import annotations

from typing import Any

CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "cursor_expired",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    424: "failed_dependency",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


class ApiError(Exception):
    """An answer other than success: status, `detail` for the caller, and extra headers."""

    def __init__(
        self, status: int, detail: Any, headers: dict[str, str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or CODES_BY_STATUS.get(status, "bad_request" if status < 500 else "internal_error")
        self.headers = headers or {}


def unauthorized(detail: str = "Not authenticated") -> ApiError:
    return ApiError(401, detail, {"WWW-Authenticate": "Bearer"})


def not_found(detail: str = "Not found") -> ApiError:
    return ApiError(404, detail)


def validation_error(loc: tuple[str | int, ...], msg: str, error_type: str) -> ApiError:
    return ApiError(422, [{"loc": list(loc), "msg": msg, "type": error_type}])


def service_unavailable(detail: str = "Database unavailable, try again shortly") -> ApiError:
    return ApiError(503, detail, {"Retry-After": "5"})
