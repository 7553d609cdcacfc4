"""Who acts and what the token allows: the principal a verified token speaks for, the scopes,
and the check every door makes before it acts (`require_scope`)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import InsufficientScope

# What a token may do. A login token (a JWT, ours or another issuer's) may do everything; a
# personal access token only what it was given of TASK_SCOPES, never ACCOUNT (its tokens, its
# password, deleting it).
TASKS_READ = "tasks:read"
TASKS_WRITE = "tasks:write"
ACCOUNT = "account"
TASK_SCOPES = (TASKS_READ, TASKS_WRITE)
LOGIN_SCOPES = frozenset((*TASK_SCOPES, ACCOUNT))
LEEWAY_SECONDS = 10  # a JWT's clock skew allowed, as `jwt.decode` is told


@dataclass(frozen=True)
class Principal:
    """Who a verified token speaks for, and what it may do."""

    subject: str
    email: str | None
    name: str | None
    version: int | None  # this service's `ver` claim; None for tokens of other issuers
    issued_at: float | None  # `iat`, when the token has one
    scopes: frozenset[str] = LOGIN_SCOPES
    # A personal access token's SHA-256, its row's `token_hash` (not its id, which SQLite may
    # give again to a later token once the row is gone).
    personal_token_hash: str | None = None
    expires_at: float | None = None  # a JWT's `exp` (a personal token's end is on its row)


def require_scope(principal: Principal, scope: str | None) -> None:
    """InsufficientScope unless the token allows `scope` (REST: 403 insufficient_scope, RFC 6750 3.1)."""
    if scope is not None and scope not in principal.scopes:
        detail = (
            "This needs a login token: a personal access token cannot manage the account"
            if scope == ACCOUNT
            else f"This token lacks the {scope} scope"
        )
        raise InsufficientScope(detail, scope)


def expired(expires_at: float | None, now: float) -> bool:
    """A JWT's `exp` has passed, with the leeway `jwt.decode` gives (PyJWT's own rule)."""
    return expires_at is not None and now >= expires_at + LEEWAY_SECONDS
