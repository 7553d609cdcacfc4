"""Personal access tokens: made, listed, revoked, and the principal one stands for (inside a
database call).

A token is `tdo_` and 43 characters of base64url (32 random bytes); only its SHA-256 is kept,
so the token is shown in the answer that makes it and nowhere else. A revoked token's row is
gone, and every request with a personal token reads its row, so a revocation holds at once on
every worker and replica; an open event stream reads it again several times a second
(crud/credentials.py), by its hash: SQLite may give a gone row's id to the next token. A
password change revokes every personal token of the user; deleting the account deletes them
with it (foreign key).

An OAuth access token is a row of the same table naming its connection (domain/oauth_grants.py):
verified and recorded here as any personal token (an event stream opened with it ends when its
connection goes), but neither listed, counted nor revoked with them: it goes with its connection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TypeGuard

import peewee

from domain.errors import Conflict, NotFound, Unauthenticated
from domain.principal import Principal
from domain.schemas import TokenCreate
from domain.users import current_user
from models import AccessToken, OAuthConnection, queries, utc_now

PREFIX = "tdo_"
MAX_TOKENS_PER_USER = 100
REVOKED = "Invalid or revoked access token"
# last_used_at is written when it is older than this: a minute's lag, not a write per request.
USE_RECORDED_EVERY = dt.timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(principal: Principal, form: TokenCreate) -> tuple[AccessToken, str]:
    """A new token row, and the token itself (shown once)."""
    user = current_user(principal, for_update=True)  # two creations at once count as two
    if personal_tokens(user.id).count() >= MAX_TOKENS_PER_USER:
        raise Conflict(f"At most {MAX_TOKENS_PER_USER} access tokens: revoke one first")
    token = PREFIX + secrets.token_urlsafe(32)
    now = utc_now()
    row = AccessToken.create(
        user=user.id,
        name=form.name,
        scopes=" ".join(form.scopes),
        token_hash=digest(token),
        created_at=now,
        expires_at=None if form.expires_in_days is None else now + dt.timedelta(days=form.expires_in_days),
    )
    return row, token


def personal_tokens(user_id: str) -> peewee.ModelSelect[AccessToken]:
    """The user's personal tokens (not the OAuth connections' access tokens)."""
    return AccessToken.select().where((AccessToken.user == user_id) & AccessToken.connection.is_null())


def list_tokens(principal: Principal) -> list[AccessToken]:
    user = current_user(principal)
    return list(personal_tokens(user.id).order_by(AccessToken.id))


def revoke_token(principal: Principal, token_id: int) -> None:
    """404 for a token that is not the caller's personal token, as for one that does not exist."""
    user = current_user(principal)
    mine = (AccessToken.id == token_id) & (AccessToken.user == user.id) & AccessToken.connection.is_null()
    if not AccessToken.delete().where(mine).execute():
        raise NotFound("Access token not found", "access token", token_id)


def personal_principal(token_hash: str) -> tuple[Principal, bool]:
    """Who the token stands for, and whether its last use should be recorded; 401 for a token
    that is unknown (never made, or revoked) or expired."""
    row = queries.ACCESS_TOKEN_BY_HASH.first(AccessToken, token_hash)
    now = utc_now()
    if not token_stands(row, now):
        raise Unauthenticated(REVOKED)
    principal = Principal(
        subject=row.user_id,
        email=None,
        name=None,
        version=None,
        issued_at=None,
        scopes=frozenset(row.scopes.split()),
        personal_token_hash=row.token_hash,
    )
    stale = row.last_used_at is None or row.last_used_at < now - USE_RECORDED_EVERY
    return principal, stale


def token_stands(row: AccessToken | None, now: dt.datetime) -> TypeGuard[AccessToken]:
    """The token's row is there (revoking deletes it) and the token has not expired: what each
    request with it asks, and each stream opened with it, again and again (crud/credentials.py)."""
    return row is not None and (row.expires_at is None or row.expires_at > now)


def app_password_principal(email: str, token_hash: str) -> tuple[Principal, bool]:
    """A personal access token used as an app password with the account's email (HTTP Basic,
    CalDAV): as `personal_principal`, and 401 when the email (any case) is not the token's
    user's."""
    principal, stale = personal_principal(token_hash)
    owner = queries.user_by_id(principal.subject)
    if owner is None or owner.email is None or owner.email != email.strip().lower():
        raise Unauthenticated("Invalid email or app password")
    return principal, stale


def record_use(token_hash: str) -> None:
    """The token's last use, and its connection's when it is an OAuth access token."""
    now = utc_now()
    AccessToken.update(last_used_at=now).where(AccessToken.token_hash == token_hash).execute()
    connection = AccessToken.select(AccessToken.connection).where(AccessToken.token_hash == token_hash)
    OAuthConnection.update(last_used_at=now).where(OAuthConnection.id.in_(connection)).execute()
