"""What the rules refuse, by name. The domain raises these; each door says them its own way
(REST: handlers/http/errors.py, a status and the contract's JSON body; MCP: mcp_tools/calls.py,
one sentence for a model; jobs: log and go on). `message` is the door-neutral sentence.
"""

from __future__ import annotations

from typing import Any

# One entry of a validation error: where (`loc`: "body"/"query"/"path"/"header", then the
# field's path), what is wrong (`msg`) and its kind (`type`), as pydantic and FastAPI say it.
Problem = dict[str, Any]


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(DomainError):
    """A value the rules refuse (REST 422)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(str(problems[0]["msg"]) if problems else "Invalid input")
        self.problems = problems

    @classmethod
    def at(cls, loc: tuple[str | int, ...], msg: str, error_type: str) -> Invalid:
        return cls([{"loc": list(loc), "msg": msg, "type": error_type}])


class NotFound(DomainError):
    """No such entity, or not the caller's: the two are never told apart (REST 404)."""

    def __init__(self, message: str, kind: str = "", entity_id: object = None) -> None:
        super().__init__(message)
        self.kind = kind  # "task", "list", "webhook", "access token", or "" when not one entity
        self.entity_id = entity_id


class Conflict(DomainError):
    """The state of things refuses it: a name or email taken, a limit reached (REST 409)."""


class DefaultListKept(Conflict):
    """The default list (the Inbox) cannot be deleted (REST 409; CalDAV 403)."""


class UidTaken(Conflict):
    """An iCalendar UID that another of the user's tasks has (REST 409; CalDAV 409
    no-uid-conflict, naming that task's resource: `collection`/`resource`)."""

    def __init__(self, message: str, collection: str, resource: str) -> None:
        super().__init__(message)
        self.collection = collection
        self.resource = resource


class SyncPointUnknown(DomainError):
    """A CalDAV sync token this service never gave the user, or one older than what is kept
    (CalDAV 403 valid-sync-token: the client syncs again from nothing)."""


class Forbidden(DomainError):
    """The caller may not do this, whoever asks again (REST 403)."""


class Unauthenticated(DomainError):
    """No living credential: unknown, expired or revoked (REST 401)."""


class InsufficientScope(DomainError):
    """The credential lives but does not allow `scope` (REST 403 insufficient_scope)."""

    def __init__(self, message: str, scope: str) -> None:
        super().__init__(message)
        self.scope = scope


class VersionMismatch(DomainError):
    """An If-Match that is not the entity's current version (REST 412); `etag` is the current one."""

    def __init__(self, message: str, etag: str) -> None:
        super().__init__(message)
        self.etag = etag


class TooManyAttempts(DomainError):
    """Failed logins over the limit (REST 429)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class KeyInFlight(DomainError):
    """An Idempotency-Key whose first request still runs (REST 409 with Retry-After: 1)."""


class Unreadable(DomainError):
    """A body that cannot be read at all: JSON that does not parse, text that is not UTF-8
    (REST 400)."""


class UnsupportedFormat(DomainError):
    """A body in none of the formats the operation reads (REST 415)."""


class CursorExpired(DomainError):
    """A change-feed position older than what is kept (REST 410)."""


class Unavailable(DomainError):
    """The database does not answer (REST 503)."""


class OAuthRefusal(DomainError):
    """A request of the OAuth protocol that its rules refuse, named by the protocol's error code
    (`error`: RFC 6749 4.1.2.1 and 5.2, RFC 7591 3.2.2, RFC 8707): the OAuth door answers it in
    the protocol's own shape."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error


class ClientRefused(OAuthRefusal):
    """An authorization request whose client or redirect URI cannot be trusted: it is answered
    to the person in the browser, never by a redirect (RFC 6749 4.1.2.1)."""


class GrantReplayed(OAuthRefusal):
    """A code redeemed again, or a refresh token presented after it was rotated: someone else
    may hold it. Its connection (`connection_id`, None when it made none) is to be revoked,
    in a unit of work of its own: this refusal rolls back the one it ends."""

    def __init__(self, message: str, connection_id: int | None) -> None:
        super().__init__("invalid_grant", message)
        self.connection_id = connection_id
