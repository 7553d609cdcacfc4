"""Who is calling: the bearer token and the `{user_id}` path check (the user row behind them is
`crud.users.current_user`)."""

from __future__ import annotations

from starlette.requests import Request

from handlers.common.errors import ApiError, unauthorized
from handlers.common.loop_reader import UserState
from handlers.common.request_context import note_user
from handlers.common.services import services_of
from handlers.common.tokens import Principal


async def authenticate(request: Request) -> Principal:
    """The caller's principal: 401 without a valid bearer token, 403 for another `{user_id}`."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    principal = await services_of(request).tokens.verify(token.strip())
    note_user(principal.subject)
    path_user = request.path_params.get("user_id")
    if path_user is not None and path_user != principal.subject:
        raise ApiError(403, "The user in the path is not the token's user")
    return principal


def peek_user(request: Request, principal: Principal) -> UserState | None:
    """The caller's user row read on the event loop (SQLite), when it is there and the token is
    current. None sends the caller the usual way, `crud.users.current_user` in a database call,
    which also gives every refusal."""
    reader = services_of(request).loop_reader
    state = reader.user_state(principal.subject) if reader is not None else None
    if state is None or (principal.version is not None and principal.version != state.token_version):
        return None
    return state
