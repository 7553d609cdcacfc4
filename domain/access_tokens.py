"""Personal access tokens: made, listed, revoked, and the principal one stands for (inside a
database call).

A token is `tdo_` and 43 characters of base64url (32 random bytes); only its SHA-256 is kept,
so the token is shown in the answer that makes it and nowhere else. A revoked token's row is
gone, and every request with a personal token reads its row, so a revocation holds at once on
every worker and replica. A password change revokes every personal token of the user; deleting
the account deletes them with it (foreign key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from domain.errors import Conflict, NotFound, Unauthenticated
from domain.principal import Principal
from domain.schemas import TokenCreate
from domain.users import current_user
from models import AccessToken, User, utc_now

PREFIX = "tdo_"
MAX_TOKENS_PER_USER = 100
# last_used_at is written when it is older than this: a minute's lag, not a write per request.
USE_RECORDED_EVERY = dt.timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(principal: Principal, form: TokenCreate) -> tuple[AccessToken, str]:
    """A new token row, and the token itself (shown once)."""
    user = current_user(principal, for_update=True)  # two creations at once count as two
    if AccessToken.select().where(AccessToken.user == user.id).count() >= MAX_TOKENS_PER_USER:
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


def list_tokens(principal: Principal) -> list[AccessToken]:
    user = current_user(principal)
    return list(AccessToken.select().where(AccessToken.user == user.id).order_by(AccessToken.id))


def revoke_token(principal: Principal, token_id: int) -> None:
    """404 for a token that is not the caller's, as for one that does not exist."""
    user = current_user(principal)
    if not AccessToken.delete().where((AccessToken.id == token_id) & (AccessToken.user == user.id)).execute():
        raise NotFound("Access token not found", "access token", token_id)


def revoke_all(user_id: str) -> None:
    AccessToken.delete().where(AccessToken.user == user_id).execute()


def personal_principal(token_hash: str) -> tuple[Principal, bool]:
    """Who the token stands for, and whether its last use should be recorded; 401 for a token
    that is unknown (never made, or revoked) or expired."""
    row = AccessToken.get_or_none(AccessToken.token_hash == token_hash)
    now = utc_now()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        raise Unauthenticated("Invalid or revoked access token")
    principal = Principal(
        subject=row.user_id,
        email=None,
        name=None,
        version=None,
        issued_at=None,
        scopes=frozenset(row.scopes.split()),
        personal_token_id=row.id,
    )
    stale = row.last_used_at is None or row.last_used_at < now - USE_RECORDED_EVERY
    return principal, stale


def app_password_principal(email: str, token_hash: str) -> tuple[Principal, bool]:
    """A personal access token used as an app password with the account's email (HTTP Basic,
    CalDAV): as `personal_principal`, and 401 when the email (any case) is not the token's
    user's."""
    principal, stale = personal_principal(token_hash)
    owner = User.select(User.email).where(User.id == principal.subject).first()
    if owner is None or owner.email is None or owner.email != email.strip().lower():
        raise Unauthenticated("Invalid email or app password")
    return principal, stale


def record_use(token_id: int) -> None:
    AccessToken.update(last_used_at=utc_now()).where(AccessToken.id == token_id).execute()
