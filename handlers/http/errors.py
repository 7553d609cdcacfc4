"""The REST door's errors: `ApiError` (a status, the `detail` for the caller, extra headers),
and the one mapping of the domain's named errors to it (`api_error`). Rendered as FastAPI-style
JSON by the middleware (handlers/http/middleware/errors.py)."""

from __future__ import annotations

from typing import Any

from domain.errors import (
    Conflict,
    CursorExpired,
    DomainError,
    Forbidden,
    InsufficientScope,
    Invalid,
    KeyInFlight,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
    Unavailable,
    Unreadable,
    UnsupportedFormat,
    VersionMismatch,
)

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
BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


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


def api_error(error: DomainError) -> ApiError:
    """What REST answers to each refusal of the domain."""
    match error:
        case Invalid():
            return ApiError(422, error.problems)
        case NotFound():
            return ApiError(404, error.message)
        case Unauthenticated():
            return ApiError(401, error.message, BEARER_CHALLENGE)
        case InsufficientScope():
            challenge = f'Bearer error="insufficient_scope", scope="{error.scope}"'
            return ApiError(403, error.message, {"WWW-Authenticate": challenge}, code="insufficient_scope")
        case Forbidden():
            return ApiError(403, error.message)
        case VersionMismatch():
            return ApiError(412, error.message, {"ETag": error.etag})
        case KeyInFlight():
            return ApiError(409, error.message, {"Retry-After": "1"})
        case Conflict():
            return ApiError(409, error.message)
        case TooManyAttempts():
            return ApiError(429, error.message, {"Retry-After": str(error.retry_after)})
        case CursorExpired():
            return ApiError(410, error.message)
        case UnsupportedFormat():
            return ApiError(415, error.message)
        case Unreadable():
            return ApiError(400, error.message)
        case Unavailable():
            return ApiError(503, error.message, {"Retry-After": "5"})
    return ApiError(400, error.message)


def unauthorized(detail: str = "Not authenticated") -> ApiError:
    return ApiError(401, detail, BEARER_CHALLENGE)


def not_found(detail: str = "Not found") -> ApiError:
    return ApiError(404, detail)


def validation_error(loc: tuple[str | int, ...], msg: str, error_type: str) -> ApiError:
    return ApiError(422, [{"loc": list(loc), "msg": msg, "type": error_type}])
