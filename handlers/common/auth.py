"""Who is calling: the bearer token, the `{user_id}` path check, and the user row behind it."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request

from handlers.common.db import require_write
from handlers.common.errors import ApiError, unauthorized
from handlers.common.loop_reader import UserState
from handlers.common.request_context import note_user
from handlers.common.services import services_of
from handlers.common.tokens import Principal
from models import DeletedUser, User, utc_now
from models.queries import user_by_id


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
    current. None sends the caller the usual way, `current_user` in a database call, which also
    gives every refusal."""
    reader = services_of(request).loop_reader
    state = reader.user_state(principal.subject) if reader is not None else None
    if state is None or (principal.version is not None and principal.version != state.token_version):
        return None
    return state


def current_user(principal: Principal) -> User:
    """The user row (run inside a database call).

    A subject first seen in another issuer's token gets a row; a deleted user, or a token
    issued before the user's last password change, is 401.
    """
    user = user_by_id(principal.subject)
    if user is None:
        if principal.version is not None or deleted_since(principal):
            raise unauthorized("User no longer exists")
        require_write()
        return create_external_user(principal)
    if principal.version is not None and principal.version != user.token_version:
        raise unauthorized("Token was revoked by a password change")
    return user


def deleted_since(principal: Principal) -> bool:
    """The account was deleted after this token was issued (or the token does not say when)."""
    deleted = DeletedUser.get_or_none(DeletedUser.id == principal.subject)
    if deleted is None:
        return False
    deleted_at = deleted.deleted_at.replace(tzinfo=dt.UTC).timestamp()
    return principal.issued_at is None or principal.issued_at <= deleted_at


def create_external_user(principal: Principal) -> User:
    """Insert-or-ignore, so two first requests at once both succeed; the email is kept only
    when no other account here has it."""
    for email in (principal.email, None):
        row = {
            "id": principal.subject,
            "email": email,
            "name": principal.name,
            "created_at": utc_now(),
        }
        User.insert(row).on_conflict_ignore().execute()
        if user := User.get_or_none(User.id == principal.subject):
            return user
    raise unauthorized("Invalid token")
