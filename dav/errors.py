"""The CalDAV door's errors: `DavError` (a status, the precondition element a client reads,
the reason in words) and the one mapping of the domain's named errors to them (`dav_error`),
as handlers/http/errors.py's `api_error` is REST's and mcp_tools/calls.py's `sentence` MCP's."""

from __future__ import annotations

from starlette.responses import Response

from dav.names import caldav, dav
from dav.paths import object_href
from dav.xml_out import error_body, xml_response
from domain.errors import (
    Conflict,
    DefaultListKept,
    DomainError,
    Forbidden,
    InsufficientScope,
    Invalid,
    KeyInFlight,
    NotFound,
    SyncPointUnknown,
    TooManyAttempts,
    UidTaken,
    Unauthenticated,
    Unavailable,
    VersionMismatch,
)

REALM = 'Basic realm="todo-api", charset="UTF-8"'


class DavError(Exception):
    """An answer other than success: `status`, the precondition or postcondition element
    (`condition`, a Clark name; None: none), the reason, extra headers, an href for the
    condition."""

    def __init__(
        self,
        status: int,
        message: str,
        condition: str | None = None,
        headers: dict[str, str] | None = None,
        href: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.condition = condition
        self.headers = headers or {}
        self.href = href

    def response(self) -> Response:
        if self.status == 401:
            self.headers.setdefault("WWW-Authenticate", REALM)
        return xml_response(error_body(self.condition, self.message, self.href), self.status, self.headers)


def refused_value(message: str) -> DavError:
    """A PUT whose values the rules refuse (a 300-character title, an RRULE not run here)."""
    return DavError(403, message, caldav("valid-calendar-data"))


def dav_error(error: DomainError, user_id: str | None) -> DavError:
    """What CalDAV answers to each refusal of the domain."""
    match error:
        case Invalid():
            problem = error.problems[0] if error.problems else {"loc": [], "msg": error.message}
            where = [str(part) for part in problem["loc"][1:]]
            message = f"{'.'.join(where)}: {problem['msg']}" if where else str(problem["msg"])
            if problem["loc"][:1] == ["path"]:
                return DavError(403, message)
            return refused_value(message)
        case NotFound():
            return DavError(404, error.message)
        case Unauthenticated():
            return DavError(401, error.message)
        case InsufficientScope():
            return DavError(403, error.message, dav("need-privileges"))
        case DefaultListKept():
            return DavError(403, error.message)
        case UidTaken():
            href = object_href(user_id, error.collection, error.resource) if user_id else None
            return DavError(409, error.message, caldav("no-uid-conflict"), href=href)
        case VersionMismatch():
            return DavError(412, error.message, None, {"ETag": error.etag} if error.etag else None)
        case SyncPointUnknown():
            return DavError(403, error.message, dav("valid-sync-token"))
        case KeyInFlight():
            return DavError(409, error.message, None, {"Retry-After": "1"})
        case Conflict():
            return DavError(409, error.message)
        case Forbidden():
            return DavError(403, error.message)
        case TooManyAttempts():
            return DavError(429, error.message, None, {"Retry-After": str(error.retry_after)})
        case Unavailable():
            return DavError(503, error.message, None, {"Retry-After": "5"})
    return DavError(400, error.message)
