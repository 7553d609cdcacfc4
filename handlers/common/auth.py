"""Who is calling: the bearer token and the `{user_id}` path check (the user row behind them is
`crud.users.current_user`)."""

from __future__ import annotations

from starlette.requests import Request

from handlers.common import db
from handlers.common.crud.tokens import PREFIX as PERSONAL_PREFIX
from handlers.common.crud.tokens import digest, personal_principal, record_use
from handlers.common.errors import ApiError, unauthorized
from handlers.common.headers import header
from handlers.common.loop_reader import UserState
from handlers.common.request_context import note_user
from handlers.common.services import services_of
from handlers.common.tokens import ACCOUNT, Principal

PRINCIPAL = "todo_api.principal"  # where a request keeps its verified principal, in its scope


async def authenticate(request: Request, scope: str | None = None) -> Principal:
    """The caller's principal (verified once per request): 401 without a valid bearer token,
    403 `insufficient_scope` when the token does not allow `scope` (the handler's ENDPOINT
    says which), 403 for another `{user_id}`."""
    principal: Principal | None = request.scope.get(PRINCIPAL)
    if principal is None:
        principal = request.scope[PRINCIPAL] = await verify_bearer(request)
        note_user(principal.subject)
    if scope is not None and scope not in principal.scopes:
        require_scope(principal, scope)
    path_user = request.path_params.get("user_id")
    if path_user is not None and path_user != principal.subject:
        raise ApiError(403, "The user in the path is not the token's user")
    return principal


async def verify_bearer(request: Request) -> Principal:
    """A personal access token (read from the database: a revocation holds at once), or a JWT."""
    scheme, _, token = (header(request, b"authorization") or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthorized()
    if not token.startswith(PERSONAL_PREFIX):
        return await services_of(request).tokens.verify(token)
    principal, stale = await db.read(request, personal_principal, digest(token))
    if stale and principal.personal_token_id is not None:
        await db.write(request, record_use, principal.personal_token_id)
    return principal


def require_scope(principal: Principal, scope: str | None) -> None:
    """403 `insufficient_scope` unless the token allows `scope` (RFC 6750 3.1)."""
    if scope is not None and scope not in principal.scopes:
        challenge = f'Bearer error="insufficient_scope", scope="{scope}"'
        detail = (
            "This needs a login token: a personal access token cannot manage the account"
            if scope == ACCOUNT
            else f"This token lacks the {scope} scope"
        )
        raise ApiError(403, detail, {"WWW-Authenticate": challenge}, code="insufficient_scope")


def peek_user(request: Request, principal: Principal) -> UserState | None:
    """The caller's user row read on the event loop (SQLite), when it is there and the token is
    current. None sends the caller the usual way, `crud.users.current_user` in a database call,
    which also gives every refusal."""
    reader = services_of(request).loop_reader
    state = reader.user_state(principal.subject) if reader is not None else None
    if state is None or (principal.version is not None and principal.version != state.token_version):
        return None
    return state
