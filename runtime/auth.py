"""Who is calling: the bearer token of an HTTP request, for every HTTP door (REST, /mcp). The
user row behind it is `domain.users.current_user`; what the token may do, `domain.principal`."""

from __future__ import annotations

from starlette.requests import Request

from domain.access_tokens import PREFIX as PERSONAL_PREFIX
from domain.access_tokens import digest, personal_principal, record_use
from domain.errors import Unauthenticated
from domain.principal import Principal
from domain.users import version_refusal
from runtime import calls
from runtime.headers import header
from runtime.loop_reader import UserState
from runtime.services import services_of

PRINCIPAL = "todo_api.principal"  # where a request keeps its verified principal, in its scope


async def verify_bearer(request: Request) -> Principal:
    """A personal access token (read from the database: a revocation holds at once), or a JWT."""
    scheme, _, token = (header(request, b"authorization") or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("Not authenticated")
    if not token.startswith(PERSONAL_PREFIX):
        return await services_of(request).tokens.verify(token)
    principal, stale = await calls.read_now(request, personal_principal, digest(token))
    if stale and principal.personal_token_hash is not None:
        await calls.write(request, record_use, principal.personal_token_hash)
    return principal


def peek_user(request: Request, principal: Principal) -> UserState | None:
    """The caller's user row read on the event loop (SQLite), when it is there and the token is
    current. None sends the caller the usual way, `domain.users.current_user` in a database call,
    which also gives every refusal."""
    reader = services_of(request).loop_reader
    state = reader.user_state(principal.subject) if reader is not None else None
    if state is None or version_refusal(principal, state.token_version) is not None:
        return None
    return state
